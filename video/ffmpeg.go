package video

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

// Formats other than Y4M, PNG and GIF go through the ffmpeg command-line tools as
// subprocesses (https://ffmpeg.org/ffmpeg.html, https://ffmpeg.org/ffprobe.html):
//
//   - ffprobe -of json reports the first video stream's width, height, r_frame_rate and
//     nb_frames; the size is checked against the limits before decoding starts.
//   - ffmpeg decodes that stream to raw rgb24 on its stdout ("-f rawvideo -pix_fmt rgb24"),
//     read one frame at a time; nothing is written to disk. The output is constant-rate at
//     the probed frame rate ("-r num/den": ffmpeg repeats or drops frames of a variable-rate
//     source to hold it, placing each picture within about one frame of its timestamp), so
//     frame i of the clip is the picture shown around time i/fps. This also avoids
//     "-vsync"/"-fps_mode", whose spelling changed between ffmpeg 5.1 and 9.
//     Display rotation metadata is not applied ("-noautorotate"), so frames keep their coded
//     size, and the sample aspect ratio is ignored.
//   - Writing pipes rgb24 into ffmpeg's stdin and encodes H.264 with libx264 in yuv420p
//     (BT.601 limited range, which is what ffmpeg's RGB->YUV conversion uses; the stream is
//     tagged smpte170m/tv so players convert back with the same matrix).
//
// The last lines ffmpeg writes to stderr are kept and included in errors. Cancelling the
// context kills the process.

// ffmpegMuxers maps the extensions WriteFFmpeg handles to ffmpeg muxer names.
var ffmpegMuxers = map[string]string{".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska"}

const (
	stderrKeep = 8 << 10 // bytes of tool stderr kept for error messages
	logLines   = 12      // lines of it shown in an error
	waitDelay  = 5 * time.Second
)

// tailBuffer keeps the last stderrKeep bytes written to it. exec copies the process's stderr
// into it from another goroutine, hence the lock.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > stderrKeep {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-stderrKeep:]...)
	}
	return len(p), nil
}

// lastLines returns the last logLines non-empty lines, each prefixed for readability.
func (t *tailBuffer) lastLines() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(t.buf)), "\n")
	if len(lines) > logLines {
		lines = lines[len(lines)-logLines:]
	}
	var b strings.Builder
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString("  | ")
			b.WriteString(l)
		}
	}
	return b.String()
}

// toolPath finds a tool binary: name if set, else def on PATH.
func toolPath(path, name, def string) (string, error) {
	if name == "" {
		name = def
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", &FormatError{Path: path, Format: "ffmpeg", Err: ErrTool,
			Reason: fmt.Sprintf("%s is needed for this file and was not found (install ffmpeg or use .y4m, .png or .gif)", name)}
	}
	return p, nil
}

// FFmpegAvailable reports whether the ffmpeg and ffprobe binaries named by opts (or on PATH)
// can be found.
func FFmpegAvailable(opts Options) bool {
	_, err1 := toolPath("", opts.FFmpeg, "ffmpeg")
	_, err2 := toolPath("", opts.FFprobe, "ffprobe")
	return err1 == nil && err2 == nil
}

// fileURL protects paths from being read as options or protocols ("-x.mp4", "a:b.mp4").
func fileURL(path string) string { return "file:" + path }

// ctxError reports a cancelled or expired context as a FormatError wrapping ctx.Err().
func ctxError(ctx context.Context, path string) error {
	if err := ctx.Err(); err != nil {
		return &FormatError{Path: path, Format: "ffmpeg", Reason: "stopped", Err: err}
	}
	return nil
}

// Probe asks ffprobe for the first video stream of path, which must be a regular file (else
// ErrNotRegular). ffprobe is killed after opts.ProbeTimeout (an error wrapping ErrTool and
// context.DeadlineExceeded).
func Probe(ctx context.Context, path string, opts Options) (Info, error) {
	info := Info{Path: path, Format: "ffmpeg"}
	if err := checkRegular(path, "ffmpeg"); err != nil {
		return info, err
	}
	probe, err := toolPath(path, opts.FFprobe, "ffprobe")
	if err != nil {
		return info, err
	}
	timeout := opts.probeTimeout()
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var stdout bytes.Buffer
	stderr := &tailBuffer{}
	cmd := exec.CommandContext(pctx, probe, "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=width,height,r_frame_rate,avg_frame_rate,nb_frames", "-of", "json", fileURL(path))
	cmd.Stdout, cmd.Stderr, cmd.WaitDelay = &stdout, stderr, waitDelay
	if err := cmd.Run(); err != nil {
		if cerr := ctxError(ctx, path); cerr != nil {
			return info, cerr
		}
		if pctx.Err() != nil {
			return info, &FormatError{Path: path, Format: "ffmpeg", Err: errors.Join(ErrTool, context.DeadlineExceeded),
				Reason: fmt.Sprintf("ffprobe gave no answer within %v and was stopped", timeout), Log: stderr.lastLines()}
		}
		return info, &FormatError{Path: path, Format: "ffmpeg", Reason: "ffprobe cannot read it as a video",
			Err: ErrMalformed, Log: stderr.lastLines()}
	}
	return parseProbe(path, stdout.Bytes(), opts)
}

// parseProbe reads ffprobe's JSON description of the first video stream of path (the output of
// -show_entries stream=width,height,r_frame_rate,avg_frame_rate,nb_frames -of json).
func parseProbe(path string, data []byte, opts Options) (Info, error) {
	info := Info{Path: path, Format: "ffmpeg"}
	var out struct {
		Streams []struct {
			Width        int    `json:"width"`
			Height       int    `json:"height"`
			RFrameRate   string `json:"r_frame_rate"`
			AvgFrameRate string `json:"avg_frame_rate"`
			NbFrames     string `json:"nb_frames"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return info, &FormatError{Path: path, Format: "ffmpeg", Reason: "ffprobe output", Err: err}
	}
	if len(out.Streams) == 0 {
		return info, &FormatError{Path: path, Format: "ffmpeg", Reason: "no video stream", Err: ErrNoFrames}
	}
	s := out.Streams[0]
	info.Width, info.Height, info.Frames = s.Width, s.Height, -1
	if err := opts.Limits.checkSize(path, "ffmpeg", info.Width, info.Height); err != nil {
		return info, err
	}
	if n, err := strconv.Atoi(s.NbFrames); err == nil && n >= 0 {
		info.Frames = n
	}
	for _, r := range []string{s.RFrameRate, s.AvgFrameRate} {
		if fps, err := parseRate(r); err == nil && fps > 0 {
			info.FPS = fps
			break
		}
	}
	if info.FPS == 0 {
		info.FPS = opts.fps()
	}
	if info.Frames == 0 {
		return info, &FormatError{Path: path, Format: "ffmpeg", Reason: "video stream has no frames", Err: ErrNoFrames}
	}
	return info, nil
}

// FFmpegReader streams the frames of a video decoded by an ffmpeg subprocess.
type FFmpegReader struct {
	ctx    context.Context
	info   Info
	cmd    *exec.Cmd
	stdout io.ReadCloser
	stderr *tailBuffer
	frame  []uint8
	frames int
	err    error // sticky: set at the end of the stream or on failure
	done   bool  // the process has been waited for
}

// OpenFFmpeg probes path and starts decoding its first video stream. The caller must Close
// the reader; cancelling ctx kills the decoder.
func OpenFFmpeg(ctx context.Context, path string, opts Options) (*FFmpegReader, error) {
	info, err := Probe(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	bin, err := toolPath(path, opts.FFmpeg, "ffmpeg")
	if err != nil {
		return nil, err
	}
	if err := checkRegular(path, "ffmpeg"); err != nil { // swapped for a pipe since the probe
		return nil, err
	}
	num, den := fpsRatio(info.FPS)
	cmd := exec.CommandContext(ctx, bin, "-nostdin", "-v", "error", "-noautorotate", "-i", fileURL(path),
		"-map", "0:v:0", "-r", fmt.Sprintf("%d/%d", num, den), "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1")
	stderr := &tailBuffer{}
	cmd.Stderr, cmd.WaitDelay = stderr, waitDelay
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, &FormatError{Path: path, Format: "ffmpeg", Reason: "start ffmpeg", Err: err}
	}
	if err := cmd.Start(); err != nil {
		if cerr := ctxError(ctx, path); cerr != nil {
			return nil, cerr
		}
		return nil, &FormatError{Path: path, Format: "ffmpeg", Reason: "start ffmpeg", Err: errors.Join(ErrTool, err)}
	}
	return &FFmpegReader{ctx: ctx, info: info, cmd: cmd, stdout: stdout, stderr: stderr,
		frame: make([]uint8, info.Width*info.Height*Channels)}, nil
}

// Info describes the stream as ffprobe reported it.
func (r *FFmpegReader) Info() Info { return r.info }

// Next returns the next decoded frame (valid until the next call), or io.EOF after the last.
func (r *FFmpegReader) Next() ([]uint8, error) {
	if r.err != nil {
		return nil, r.err
	}
	if err := ctxError(r.ctx, r.info.Path); err != nil {
		r.err = err
		r.kill()
		return nil, err
	}
	n, err := io.ReadFull(r.stdout, r.frame)
	if err == nil {
		r.frames++
		return r.frame, nil
	}
	r.err = r.finish(n, err)
	return nil, r.err
}

// finish waits for the decoder after its output ended (n bytes into a frame, with the read
// error readErr) and turns the outcome into io.EOF or a FormatError.
func (r *FFmpegReader) finish(n int, readErr error) error {
	waitErr := r.wait()
	path := r.info.Path
	if err := ctxError(r.ctx, path); err != nil {
		return err
	}
	fail := func(kind error, reason string) error {
		return &FormatError{Path: path, Format: "ffmpeg", Reason: reason, Err: kind, Log: r.stderr.lastLines()}
	}
	switch {
	case waitErr != nil && r.info.Frames > r.frames:
		return fail(ErrTruncated, fmt.Sprintf("decoding failed after %d of %d frames (%v)", r.frames, r.info.Frames, waitErr))
	case waitErr != nil:
		return fail(ErrMalformed, fmt.Sprintf("decoding failed after %d frames (%v)", r.frames, waitErr))
	case r.info.Frames > r.frames && r.stderr.lastLines() != "":
		// ffmpeg exits 0 on a file cut short, after logging decode errors ("partial file").
		// Fewer frames without errors is legitimate (an edit list trimming the stream).
		return fail(ErrTruncated, fmt.Sprintf("decoder stopped with errors after %d of %d frames", r.frames, r.info.Frames))
	case n > 0:
		return fail(ErrTruncated, fmt.Sprintf("frame %d ends after %d of %d bytes", r.frames, n, len(r.frame)))
	case readErr != io.EOF:
		return fail(readErr, "read decoder output")
	case r.frames == 0:
		return fail(ErrNoFrames, "decoder produced no frames")
	}
	return io.EOF
}

// wait reaps the process once.
func (r *FFmpegReader) wait() error {
	if r.done {
		return nil
	}
	r.done = true
	return r.cmd.Wait()
}

// kill stops the process (if still running) and reaps it.
func (r *FFmpegReader) kill() {
	if !r.done {
		_ = r.cmd.Process.Kill()
		_ = r.wait()
	}
}

// Close stops the decoder if it is still running. Stopping early is not an error.
func (r *FFmpegReader) Close() error {
	r.kill()
	if r.err == nil {
		r.err = &FormatError{Path: r.info.Path, Format: "ffmpeg", Reason: "reader closed", Err: os.ErrClosed}
	}
	return nil
}

// WriteFFmpeg encodes clip as H.264 (libx264, yuv420p, opts.CRF, opts.Preset) into path,
// whose extension (.mp4, .m4v, .mov, .mkv) picks the container. Width and height must be even
// unless opts.PadOdd is set, which repeats the last column or row. ffmpeg writes a temporary
// file in the same folder that is renamed over path only after the encoder succeeded, so
// path is never left partial.
func WriteFFmpeg(ctx context.Context, path string, clip *Clip, opts Options) error {
	if err := clip.Validate(); err != nil {
		return &FormatError{Path: path, Format: "ffmpeg", Reason: "invalid clip", Err: err}
	}
	muxer := ffmpegMuxers[strings.ToLower(filepath.Ext(path))]
	if muxer == "" {
		return &FormatError{Path: path, Format: "ffmpeg", Err: ErrUnsupported,
			Reason: "H.264 output needs a .mp4, .m4v, .mov or .mkv name"}
	}
	if clip.Width%2 != 0 || clip.Height%2 != 0 {
		if !opts.PadOdd {
			return &FormatError{Path: path, Format: "ffmpeg", Err: ErrOddSize,
				Reason: fmt.Sprintf("H.264 4:2:0 needs even width and height, the clip is %dx%d (set Options.PadOdd, or crop)",
					clip.Width, clip.Height)}
		}
		clip = padEdge(clip, clip.Height+clip.Height%2, clip.Width+clip.Width%2)
	}
	crf := opts.CRF
	switch {
	case crf == 0:
		crf = DefaultCRF
	case crf == CRFLossless:
		crf = 0
	case crf < 0 || crf > 51:
		return &FormatError{Path: path, Format: "ffmpeg", Err: ErrUnsupported, Reason: fmt.Sprintf("crf %d outside 0..51", crf)}
	}
	preset := opts.Preset
	if preset == "" {
		preset = DefaultPreset
	}
	bin, err := toolPath(path, opts.FFmpeg, "ffmpeg")
	if err != nil {
		return err
	}
	num, den := fpsRatio(clip.FPS)
	var encErr error
	err = atomicfile.Write(path, 0o644, func(w io.Writer) error {
		// atomicfile hands over its temporary file; ffmpeg writes to it by name (the mp4
		// muxer must seek, so a pipe will not do) and atomicfile then syncs and renames it.
		tmp, ok := w.(interface{ Name() string })
		if !ok {
			return errors.New("temporary file has no name")
		}
		args := []string{"-nostdin", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
			"-s", fmt.Sprintf("%dx%d", clip.Width, clip.Height), "-framerate", fmt.Sprintf("%d/%d", num, den),
			"-i", "pipe:0", "-c:v", "libx264", "-preset", preset, "-crf", strconv.Itoa(crf),
			"-pix_fmt", "yuv420p", "-colorspace", "smpte170m", "-color_range", "tv"}
		if muxer != "matroska" {
			args = append(args, "-movflags", "+faststart")
		}
		args = append(args, "-f", muxer, "-y", fileURL(tmp.Name()))
		encErr = runEncoder(ctx, path, bin, args, clip)
		return encErr
	})
	if encErr != nil {
		return encErr
	}
	if err != nil {
		return fileError(path, "ffmpeg", "write", err)
	}
	return nil
}

// runEncoder runs ffmpeg with args and feeds it the frames of clip on stdin.
func runEncoder(ctx context.Context, path, bin string, args []string, clip *Clip) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	stderr := &tailBuffer{}
	cmd.Stderr, cmd.WaitDelay = stderr, waitDelay
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return &FormatError{Path: path, Format: "ffmpeg", Reason: "start ffmpeg", Err: err}
	}
	if err := cmd.Start(); err != nil {
		if cerr := ctxError(ctx, path); cerr != nil {
			return cerr
		}
		return &FormatError{Path: path, Format: "ffmpeg", Reason: "start ffmpeg", Err: errors.Join(ErrTool, err)}
	}
	// A write error means ffmpeg exited; its exit status and log explain why.
	var writeErr error
	for t := 0; t < clip.Frames && writeErr == nil && ctx.Err() == nil; t++ {
		_, writeErr = stdin.Write(clip.Frame(t))
	}
	closeErr := stdin.Close()
	waitErr := cmd.Wait()
	if err := ctxError(ctx, path); err != nil {
		return err
	}
	if err := errors.Join(waitErr, writeErr, closeErr); err != nil {
		return &FormatError{Path: path, Format: "ffmpeg", Reason: "encoding failed", Err: errors.Join(ErrTool, err),
			Log: stderr.lastLines()}
	}
	return nil
}
