package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/tokenizer"
	"github.com/wfm-platform/wfm/video"
)

// TokensSuffix ends the name of every tokens file `wfm tokenize encode` writes.
const tokensSuffix = ".tokens.safetensors"

// tokenizeFlags are the flags of the three tokenize subcommands.
type tokenizeFlags struct {
	model      tokenizerModelFlags
	weights    string
	out        string
	ext        string
	window     int
	tile       int
	overlap    int
	batch      int
	dtype      string
	maxMemory  float64
	noProgress bool
}

func (f *tokenizeFlags) register(cmd *cobra.Command, video bool) {
	f.model.register(cmd, "")
	fl := cmd.Flags()
	fl.StringVar(&f.weights, "weights", "", "tokenizer weights: a 'wfm train tokenizer' export or an official Cosmos checkpoint (.safetensors, .pt, .jit)")
	fl.StringVar(&f.out, "out", "out/tokens", "output folder")
	fl.IntVar(&f.window, "window", 0, "frames per temporal window, 1+k·t (default 1+2t)")
	fl.IntVar(&f.tile, "tile", 0, "spatial tile side in pixels for large frames, a multiple of the spatial compression (0: whole frames)")
	fl.IntVar(&f.overlap, "overlap", 0, "pixels shared by neighbouring tiles, blended linearly (default tile/4)")
	fl.IntVar(&f.batch, "batch", 1, "temporal windows per model call")
	fl.StringVar(&f.dtype, "dtype", "float32", "dtype of the weights: float32, or bfloat16 for weights trained with --dtype bfloat16")
	fl.Float64Var(&f.maxMemory, "max-memory", 0, "GiB one model call may use by the tokenizer's estimate; larger frames are refused, naming the --tile that fits (0: half the machine's memory)")
	fl.BoolVar(&f.noProgress, "no-progress", false, "no progress bar")
	if video {
		fl.StringVar(&f.ext, "ext", ".y4m", "video format written: .y4m, .gif, .mp4 (ffmpeg), or '' for a PNG folder")
	}
}

// codec loads the weights and builds the codec the flags describe.
func (f *tokenizeFlags) codec(cmd *cobra.Command) (*tokenizer.Codec, tokenizer.Config, func(), error) {
	if f.weights == "" {
		return nil, tokenizer.Config{}, nil, usagef("%s: --weights is required", cmd.CommandPath())
	}
	var want *tokenizer.Config
	if f.model.preset != "" || f.model.configPath != "" {
		cfg, _, err := f.model.config(cmd)
		if err != nil {
			return nil, tokenizer.Config{}, nil, err
		}
		want = &cfg
	}
	dt, err := parseDType(f.dtype)
	if err != nil {
		return nil, tokenizer.Config{}, nil, err
	}
	opts := tokenizer.CodecOptions{Window: f.window, Tile: f.tile, Overlap: f.overlap, Batch: f.batch, DType: dt}
	if !(f.maxMemory >= 0) || f.maxMemory > 1<<20 {
		return nil, tokenizer.Config{}, nil, usagef("%s: --max-memory %v: want GiB >= 0", cmd.CommandPath(), f.maxMemory)
	}
	opts.MaxMemory = int64(f.maxMemory * (1 << 30))
	if f.tile > 0 && !cmd.Flags().Changed("overlap") {
		opts.Overlap = tokenizer.DefaultOverlap
	} else if f.overlap == tokenizer.DefaultOverlap {
		return nil, tokenizer.Config{}, nil, usagef("%s: --overlap %d: want pixels >= 0", cmd.CommandPath(), f.overlap)
	}
	b, _, err := backend.Open(global.backend)
	if err != nil {
		return nil, tokenizer.Config{}, nil, err
	}
	c, err := tokenizer.Open(b, f.weights, want, opts)
	if err != nil {
		b.Finalize()
		var oerr *tokenizer.OptionsError
		if errors.As(err, &oerr) {
			err = usageError{err}
		}
		return nil, tokenizer.Config{}, nil, err
	}
	return c, c.Config(), func() { c.Close(); b.Finalize() }, nil
}

// memoryUsage turns the codec's *tokenizer.MemoryError, found before any allocation, into a
// usage error naming the flag that makes the clip fit.
func memoryUsage(err error) error {
	var me *tokenizer.MemoryError
	if !errors.As(err, &me) {
		return err
	}
	if me.Tile > 0 {
		return usagef("%v: give --tile %d (or raise --max-memory)", err, me.Tile)
	}
	return usagef("%v: give a shorter --window or a smaller --batch (or raise --max-memory)", err)
}

// lockOutput takes the exclusive lock (package dirlock) on the output folder dir of cmd, which
// it creates: a second command writing the same folder is refused (exit 1) with an error naming
// the holder. A lock left by a process that died is taken over, with a note on stderr.
func lockOutput(cmd *cobra.Command, dir string) (*dirlock.Lock, error) {
	l, err := dirlock.Acquire(dir, cmd.CommandPath())
	if err != nil {
		return nil, err
	}
	if old := l.TookOver(); old != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "note: %s was locked by %s, which is no longer running; taken over\n", dir, old)
	}
	return l, nil
}

// bar returns a progress bar over n windows, or nil when progress is off.
func (f *tokenizeFlags) bar(n int, what string) *progressbar.ProgressBar {
	if f.noProgress || global.json || n == 0 {
		return nil
	}
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("windows"),
		progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond))
}

// tick returns the per-window callback for bar.
func tick(bar *progressbar.ProgressBar) func() {
	return func() {
		if bar != nil {
			_ = bar.Add(1)
		}
	}
}

func finish(bar *progressbar.ProgressBar) {
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(os.Stderr)
	}
}

// baseName is a file's name without its folder and extension (and without .tokens.safetensors).
func baseName(path string) string {
	name := filepath.Base(path)
	if strings.HasSuffix(name, tokensSuffix) {
		return strings.TrimSuffix(name, tokensSuffix)
	}
	return strings.TrimSuffix(name, filepath.Ext(name))
}

// readVideos reads every input video and counts the windows c cuts them into.
func readVideos(cmd *cobra.Command, paths []string, c *tokenizer.Codec) ([]*video.Clip, int, error) {
	clips := make([]*video.Clip, len(paths))
	n := 0
	for i, p := range paths {
		clip, err := video.Read(cmd.Context(), p, video.Options{})
		if err != nil {
			return nil, 0, err
		}
		clips[i] = clip
		n += c.Windows(clip.Frames)
	}
	return clips, n, nil
}

type tokenizeFileResult struct {
	Input   string   `json:"input"`
	Output  string   `json:"output"`
	Frames  int      `json:"frames"`
	Height  int      `json:"height"`
	Width   int      `json:"width"`
	Dims    []int    `json:"dims,omitempty"`
	PSNR    *float64 `json:"psnr_db,omitempty"`
	SSIM    *float64 `json:"ssim,omitempty"`
	EncMS   float64  `json:"encode_ms_per_frame,omitempty"`
	DecMS   float64  `json:"decode_ms_per_frame,omitempty"`
	Compare string   `json:"compare,omitempty"`
}

type tokenizeResult struct {
	Config tokenizer.Config     `json:"config"`
	Files  []tokenizeFileResult `json:"files"`
}

func init() {
	parent := &cobra.Command{
		Use:   "tokenize",
		Short: "Encode videos to tokens, decode tokens to videos, or measure a round trip",
		Long: `tokenize runs a Cosmos video tokenizer on videos of any length and size.

Videos are cut into temporal windows of --window frames (1+k·t, default 1+2t: 17 for 8x time
compression), each encoded on its own with its first frame as the causal first frame; the last
window is padded by repeating the last frame and the padding is dropped on decoding. Frames are
padded by reflection to multiples of the spatial compression and cropped back; with --tile,
large frames are encoded and decoded as overlapping tiles, blended linearly. The memory one model
call needs is estimated from the tokenizer and the frame (or tile) size before anything runs: a
video that would need more than --max-memory (default half the machine's memory) is refused
with exit 2, naming the --tile that fits. Ctrl-C or SIGTERM stops between windows and tiles
(exit 130) and writes nothing more.

Tokens are safetensors files (NAME.tokens.safetensors): the continuous latents (F32) of a CV
tokenizer or the token ids (U16) of a DV one, with the config, the original frame count, size and
frame rate in the metadata. Weights come from --weights, with --preset or --config when the file
carries no config (official checkpoints).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usagef("tokenize needs a subcommand: encode, decode or roundtrip")
		},
	}
	rootCmd.AddCommand(parent)

	var enc tokenizeFlags
	encCmd := &cobra.Command{
		Use:   "encode VIDEO...",
		Short: "Encode videos to token files (OUT/NAME.tokens.safetensors)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, cfg, done, err := enc.codec(cmd)
			if err != nil {
				return err
			}
			defer done()
			lock, err := lockOutput(cmd, enc.out)
			if err != nil {
				return err
			}
			defer lock.Release()
			clips, n, err := readVideos(cmd, args, c)
			if err != nil {
				return err
			}
			bar := enc.bar(n, "encode")
			res := tokenizeResult{Config: cfg}
			for i, clip := range clips {
				tok, err := c.EncodeContext(cmd.Context(), clip, tick(bar))
				if err != nil {
					return memoryUsage(fmt.Errorf("tokenize: encoding %s: %w", args[i], err))
				}
				out := filepath.Join(enc.out, baseName(args[i])+tokensSuffix)
				if err := cmd.Context().Err(); err != nil {
					return err
				}
				if err := os.MkdirAll(enc.out, 0o755); err != nil {
					return err
				}
				if err := tokenizer.SaveTokens(out, tok); err != nil {
					return err
				}
				res.Files = append(res.Files, tokenizeFileResult{Input: args[i], Output: out, Frames: clip.Frames,
					Height: clip.Height, Width: clip.Width, Dims: tok.Dims})
			}
			finish(bar)
			return printResult(cmd.OutOrStdout(), res, func(w io.Writer) error {
				for _, f := range res.Files {
					fmt.Fprintf(w, "%s -> %s  %d frames %dx%d -> tokens %v\n", f.Input, f.Output, f.Frames, f.Width, f.Height, f.Dims)
				}
				return nil
			})
		},
	}
	enc.register(encCmd, false)
	parent.AddCommand(encCmd)

	var dec tokenizeFlags
	decCmd := &cobra.Command{
		Use:   "decode TOKENS...",
		Short: "Decode token files back to videos (OUT/NAME.EXT)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, cfg, done, err := dec.codec(cmd)
			if err != nil {
				return err
			}
			defer done()
			lock, err := lockOutput(cmd, dec.out)
			if err != nil {
				return err
			}
			defer lock.Release()
			toks := make([]*tokenizer.Tokens, len(args))
			n := 0
			for i, p := range args {
				if toks[i], err = tokenizer.LoadTokens(p); err != nil {
					return err
				}
				if !tokenizer.SameModel(toks[i].Config, cfg) {
					return fmt.Errorf("tokenize: %s was made by tokenizer %s, the weights are %s", p, toks[i].Config.Name, cfg.Name)
				}
				n += toks[i].Dims[0]
			}
			bar := dec.bar(n, "decode")
			res := tokenizeResult{Config: cfg}
			for i, tok := range toks {
				clip, err := c.DecodeContext(cmd.Context(), tok, tick(bar))
				if err != nil {
					return memoryUsage(fmt.Errorf("tokenize: decoding %s: %w", args[i], err))
				}
				out := filepath.Join(dec.out, baseName(args[i])+dec.ext)
				if err := cmd.Context().Err(); err != nil {
					return err
				}
				if err := os.MkdirAll(dec.out, 0o755); err != nil {
					return err
				}
				if err := video.Write(cmd.Context(), out, clip, video.Options{}); err != nil {
					return err
				}
				res.Files = append(res.Files, tokenizeFileResult{Input: args[i], Output: out, Frames: clip.Frames,
					Height: clip.Height, Width: clip.Width})
			}
			finish(bar)
			return printResult(cmd.OutOrStdout(), res, func(w io.Writer) error {
				for _, f := range res.Files {
					fmt.Fprintf(w, "%s -> %s  %d frames %dx%d\n", f.Input, f.Output, f.Frames, f.Width, f.Height)
				}
				return nil
			})
		},
	}
	dec.register(decCmd, true)
	parent.AddCommand(decCmd)

	var rt tokenizeFlags
	rtCmd := &cobra.Command{
		Use:   "roundtrip VIDEO...",
		Short: "Encode and decode videos; print PSNR, SSIM and ms/frame; write side-by-side comparisons (OUT/NAME_compare.EXT)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, cfg, done, err := rt.codec(cmd)
			if err != nil {
				return err
			}
			defer done()
			lock, err := lockOutput(cmd, rt.out)
			if err != nil {
				return err
			}
			defer lock.Release()
			clips, n, err := readVideos(cmd, args, c)
			if err != nil {
				return err
			}
			bar := rt.bar(2*n, "roundtrip")
			res := tokenizeResult{Config: cfg}
			for i, clip := range clips {
				r, err := c.RoundTripContext(cmd.Context(), clip, tick(bar))
				if err != nil {
					var rerr *tokenizer.RoundTripError
					if errors.As(err, &rerr) {
						return memoryUsage(fmt.Errorf("tokenize: %s %s: %w", rerr.Stage, args[i], rerr.Err))
					}
					return err
				}
				got, tok, q := r.Decoded, r.Tokens, r.Quality
				grid, err := video.Grid([]*video.Clip{clip, got}, []string{"original", cfg.Name}, video.GridOptions{Columns: 2, Gap: 2})
				if err != nil {
					return err
				}
				out := filepath.Join(rt.out, baseName(args[i])+"_compare"+rt.ext)
				if err := cmd.Context().Err(); err != nil {
					return err
				}
				if err := os.MkdirAll(rt.out, 0o755); err != nil {
					return err
				}
				if err := video.Write(cmd.Context(), out, grid, video.Options{}); err != nil {
					return err
				}
				res.Files = append(res.Files, tokenizeFileResult{Input: args[i], Compare: out, Frames: clip.Frames,
					Height: clip.Height, Width: clip.Width, Dims: tok.Dims, PSNR: &q.PSNR, SSIM: &q.SSIM,
					EncMS: r.EncodeMSPerFrame, DecMS: r.DecodeMSPerFrame})
			}
			finish(bar)
			return printResult(cmd.OutOrStdout(), res, func(w io.Writer) error {
				for _, f := range res.Files {
					fmt.Fprintf(w, "%s  %d frames %dx%d  PSNR %.2f dB  SSIM %.4f  encode %.1f ms/frame  decode %.1f ms/frame  -> %s\n",
						f.Input, f.Frames, f.Width, f.Height, *f.PSNR, *f.SSIM, f.EncMS, f.DecMS, f.Compare)
				}
				return nil
			})
		},
	}
	rt.register(rtCmd, true)
	parent.AddCommand(rtCmd)
}
