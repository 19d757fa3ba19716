package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/guardrail/classify"
	"github.com/wfm-platform/wfm/guardrail/face"
	"github.com/wfm-platform/wfm/internal/regfile"
	"github.com/wfm-platform/wfm/video"
)

// exitBlocked is the exit status of `wfm guard prompt|video` when the guard blocks the input.
const exitBlocked = 3

// guardAPIKeyEnv names the environment variable holding the API key of a served classifier.
const guardAPIKeyEnv = "WFM_GUARD_API_KEY"

var guardFlags struct {
	blocklist, whitelist string
	classifier           string
	classifierModel      string
	builtinModel         string
	timeout              time.Duration
	attempts             int

	out            string
	sampleFPS      float64
	frameClf       string
	frameClfModel  string
	noFaceBlur     bool
	face           face.Options
	corpus         string
	showAll        bool
	trainData      string
	trainOut       string
	trainThreshold float64
}

var guardCmd = &cobra.Command{
	Use:   "guard",
	Short: "Check prompts and videos with the guardrails (pre-guard and post-guard)",
	Long: `guard runs the platform's guardrails on their own.

  wfm guard prompt -- "TEXT" the text pre-guard: blocklist rules (ASCII folding, leetspeak,
                             spacing and masking tricks undone; exact, lemma and fuzzy matches;
                             whitelist), then any learned classifier given with --classifier;
                             put -- before text that is not yours (text starting with - would
                             otherwise be read as a flag: "--help" prints help and exits 0), or
                             pass - and write the text on stdin
  wfm guard video FILE       the video post-guard: an optional per-frame classifier on frames
                             sampled at --sample-fps, then face detection on every frame and
                             pixelation; --out writes the blurred video
  wfm guard eval-corpus      precision and recall of the pre-guard on a labelled prompt corpus
  wfm guard train-classifier train the built-in prompt classifier on a labelled file

Exit status of prompt and video: 0 allowed, 3 blocked, 1 error (a file that cannot be read or
written), 2 wrong command line. The guards fail closed: a classifier that times out, fails or
answers nonsense blocks the input, and the verdict says why.

--classifier is none, builtin (the built-in logistic regression, see 'wfm guard
train-classifier'), or the base URL of an OpenAI-compatible server running a Llama Guard class
model (e.g. http://localhost:8000/v1, model named by --classifier-model); its API key, if any,
is read from $` + guardAPIKeyEnv + `.`,
}

func init() {
	pf := guardCmd.PersistentFlags()
	pf.StringVar(&guardFlags.blocklist, "blocklist", "", "blocklist file, \"CATEGORY PHRASE\" lines (default: the shipped list)")
	pf.StringVar(&guardFlags.whitelist, "whitelist", "", "whitelist file, one phrase a line (default: the shipped list)")
	pf.StringVar(&guardFlags.classifier, "classifier", "none", "prompt classifier after the rules: none, builtin, or an OpenAI-compatible API base URL")
	pf.StringVar(&guardFlags.classifierModel, "classifier-model", "meta-llama/Llama-Guard-3-8B", "model name at the --classifier URL")
	pf.StringVar(&guardFlags.builtinModel, "builtin-model", "", "model file for --classifier builtin (default: trained on the shipped data at start)")
	pf.DurationVar(&guardFlags.timeout, "classifier-timeout", classify.DefaultTimeout, "time limit of each request to a served classifier")
	pf.IntVar(&guardFlags.attempts, "classifier-attempts", classify.DefaultAttempts, "tries per request to a served classifier (1 = no retry)")

	promptCmd := &cobra.Command{
		Use:   "prompt [flags] -- TEXT | -",
		Short: "Check a text prompt with the pre-guard (exit 0 allowed, 3 blocked)",
		Long: `prompt checks one text prompt with the pre-guard: exit 0 allowed, 3 blocked, 1 error, 2 wrong
command line.

Text that is not yours (user input) must come after --, or on stdin:

  wfm guard prompt -- "$TEXT"           everything after -- is the prompt, even "--help"
  printf %s "$TEXT" | wfm guard prompt -   - reads the prompt from stdin (at most 1 MiB;
                                         one trailing newline is dropped)

Without --, text starting with - is read as a flag: "--help" prints this help and exits 0.`,
		Args: cobra.ExactArgs(1),
		RunE: runGuardPrompt,
	}

	videoCmd := &cobra.Command{
		Use:   "video FILE",
		Short: "Check a video with the post-guard and blur faces (exit 0 allowed, 3 blocked)",
		Args:  cobra.ExactArgs(1),
		RunE:  runGuardVideo,
	}
	vf := videoCmd.Flags()
	def := face.DefaultOptions()
	vf.StringVar(&guardFlags.out, "out", "", "write the video with faces pixelated here (only when allowed; format from the extension)")
	vf.Float64Var(&guardFlags.sampleFPS, "sample-fps", guardrail.DefaultSampleFPS, "frames per second shown to the frame classifier")
	vf.StringVar(&guardFlags.frameClf, "frame-classifier", "", "OpenAI-compatible API base URL of a vision safety model for sampled frames (default: none)")
	vf.StringVar(&guardFlags.frameClfModel, "frame-classifier-model", "meta-llama/Llama-Guard-3-11B-Vision", "model name at the --frame-classifier URL")
	vf.BoolVar(&guardFlags.noFaceBlur, "no-face-blur", false, "do not detect or blur faces")
	vf.IntVar(&guardFlags.face.MinSize, "min-face", def.MinSize, "smallest face searched and blurred, pixels")
	vf.IntVar(&guardFlags.face.MaxSize, "max-face", def.MaxSize, "largest face searched, pixels (0: the frame's shorter side)")
	vf.Float64Var(&guardFlags.face.MinQuality, "face-quality", def.MinQuality, "least detector score of a face (higher: fewer false faces)")
	vf.Float64Var(&guardFlags.face.IoU, "face-iou", def.IoU, "overlap (IoU) above which detections merge")
	vf.Float64Var(&guardFlags.face.ShiftFactor, "face-shift", def.ShiftFactor, "detection window step, fraction of its size")
	vf.Float64Var(&guardFlags.face.ScaleFactor, "face-scale", def.ScaleFactor, "detection window growth from one scale to the next")
	vf.Float64Var(&guardFlags.face.Margin, "face-margin", def.Margin, "grow each face box by this fraction on every side before blurring")
	vf.IntVar(&guardFlags.face.Cells, "blur-cells", def.Cells, "pixelation grid: a face becomes N x N blocks")

	evalCmd := &cobra.Command{
		Use:   "eval-corpus",
		Short: "Measure the pre-guard's precision and recall on a labelled prompt corpus",
		Long: `eval-corpus runs the pre-guard (with the same flags as 'wfm guard prompt') on every prompt
of a corpus file, "EXPECT<TAB>KIND<TAB>PROMPT" lines with EXPECT allow or block (default: the
shipped corpus, 228 hand-written prompts), and prints precision and recall, overall and per kind,
and the prompts it got wrong.`,
		Args: cobra.NoArgs,
		RunE: runGuardEval,
	}
	evalCmd.Flags().StringVar(&guardFlags.corpus, "corpus", "", "corpus file (default: the shipped corpus)")
	evalCmd.Flags().BoolVar(&guardFlags.showAll, "wrong", true, "list the prompts the guard got wrong")

	trainCmd := &cobra.Command{
		Use:   "train-classifier",
		Short: "Train the built-in prompt classifier and save it",
		Long: `train-classifier fits the built-in logistic regression prompt classifier to a file of
"LABEL<TAB>TEXT" lines (LABEL safe or unsafe; default: the shipped training data) and writes it as
JSON, for 'wfm guard prompt --classifier builtin --builtin-model FILE'.`,
		Args: cobra.NoArgs,
		RunE: runGuardTrain,
	}
	trainCmd.Flags().StringVar(&guardFlags.trainData, "data", "", "training file (default: the shipped data)")
	trainCmd.Flags().StringVar(&guardFlags.trainOut, "out", "", "model file to write (required)")
	trainCmd.Flags().Float64Var(&guardFlags.trainThreshold, "threshold", classify.DefaultThreshold, "probability of unsafe at or above which a prompt is blocked")

	guardCmd.AddCommand(promptCmd, videoCmd, evalCmd, trainCmd)
	rootCmd.AddCommand(guardCmd)
}

// promptGuardFromFlags builds the pre-guard the flags describe (guardrail.OpenPromptGuard).
func promptGuardFromFlags() (*guardrail.PromptGuard, error) {
	if guardFlags.attempts < 1 {
		return nil, usagef("--classifier-attempts %d, want >= 1", guardFlags.attempts)
	}
	if guardFlags.timeout <= 0 {
		return nil, usagef("--classifier-timeout %v, want > 0", guardFlags.timeout)
	}
	g, err := guardrail.OpenPromptGuard(guardrail.PromptGuardOptions{Blocklist: guardFlags.blocklist, Whitelist: guardFlags.whitelist,
		Classifier: guardFlags.classifier, BuiltinModel: guardFlags.builtinModel, Served: servedFlags(guardFlags.classifierModel)})
	return g, guardOptionError(err)
}

// servedFlags is the served-classifier settings of the flags, for the model named model.
func servedFlags(model string) guardrail.ServedClassifier {
	return guardrail.ServedClassifier{Model: model, APIKey: os.Getenv(guardAPIKeyEnv), Timeout: guardFlags.timeout, Attempts: guardFlags.attempts}
}

// guardOptionError makes an option error of the guardrail package a usage error (exit 2); an
// unknown classifier is named by its flag.
func guardOptionError(err error) error {
	if !errors.Is(err, guardrail.ErrOption) {
		return err
	}
	if msg := err.Error(); strings.HasPrefix(msg, "classifier ") {
		return usageError{errors.New("--" + msg)}
	}
	return usageError{err}
}

// guardOutput is what prompt and video print with --json.
type guardOutput struct {
	Input   string            `json:"input"`
	Verdict guardrail.Verdict `json:"verdict"`
	Out     string            `json:"out,omitempty"`
}

func printVerdict(cmd *cobra.Command, o guardOutput) error {
	err := printResult(cmd.OutOrStdout(), o, func(w io.Writer) error {
		if o.Verdict.Allowed {
			fmt.Fprintf(w, "allowed (%s)\n", o.Verdict.Stage)
			if o.Verdict.FacesBlurred > 0 {
				fmt.Fprintf(w, "faces blurred: %d in %d frames\n", o.Verdict.FacesBlurred, o.Verdict.FramesWithFaces)
			}
		} else {
			fmt.Fprintf(w, "BLOCKED (%s)\n", o.Verdict.Stage)
			for _, f := range o.Verdict.Findings {
				if f.Blocks() {
					fmt.Fprintf(w, "  %s: %s\n", f.Rule, f.Reason)
				}
			}
		}
		if o.Verdict.FramesChecked > 0 {
			fmt.Fprintf(w, "frames classified: %d\n", o.Verdict.FramesChecked)
		}
		if o.Out != "" {
			fmt.Fprintf(w, "wrote %s\n", o.Out)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !o.Verdict.Allowed {
		return exitError{code: exitBlocked}
	}
	return nil
}

// maxGuardInput is the largest corpus or training file the guard commands read.
const maxGuardInput = 256 << 20

// maxStdinPrompt is the longest prompt 'wfm guard prompt -' reads from stdin.
const maxStdinPrompt = 1 << 20

// readPromptArg is the prompt an argument names: the argument itself, or stdin for "-" (one
// trailing newline dropped; more than maxStdinPrompt bytes is an error, never a cut prompt).
func readPromptArg(cmd *cobra.Command, arg string) (string, error) {
	if arg != "-" {
		return arg, nil
	}
	b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxStdinPrompt+1))
	if err != nil {
		return "", fmt.Errorf("guard: read prompt from stdin: %w", err)
	}
	if len(b) > maxStdinPrompt {
		return "", fmt.Errorf("guard: prompt on stdin longer than %d bytes", maxStdinPrompt)
	}
	s := strings.TrimSuffix(string(b), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}

func runGuardPrompt(cmd *cobra.Command, args []string) error {
	g, err := promptGuardFromFlags()
	if err != nil {
		return err
	}
	text, err := readPromptArg(cmd, args[0])
	if err != nil {
		return err
	}
	v, err := g.CheckPrompt(cmd.Context(), text)
	if err != nil {
		return err
	}
	return printVerdict(cmd, guardOutput{Input: text, Verdict: v})
}

func runGuardVideo(cmd *cobra.Command, args []string) error {
	in := args[0]
	if guardFlags.out != "" && samePath(in, guardFlags.out) {
		return usagef("--out %s is the input video: the guard never overwrites its input", guardFlags.out)
	}
	o := guardrail.VideoOptions{SampleFPS: guardFlags.sampleFPS, Faces: guardFlags.face, NoFaceBlur: guardFlags.noFaceBlur}
	if o.SampleFPS <= 0 {
		return usagef("--sample-fps %v, want > 0", o.SampleFPS)
	}
	if err := o.Faces.Validate(); err != nil && !o.NoFaceBlur {
		return usageError{err}
	}
	if guardFlags.frameClf != "" {
		lg, err := servedFlags(guardFlags.frameClfModel).Open(guardFlags.frameClf)
		if err != nil {
			return guardOptionError(err)
		}
		o.Classifier = lg
	}
	g, err := guardrail.NewVideoGuard(o)
	if err != nil {
		return err
	}
	clip, err := video.Read(cmd.Context(), in, video.Options{})
	if err != nil {
		return err
	}
	v, out, err := g.CheckVideo(cmd.Context(), clip)
	if err != nil {
		return err
	}
	res := guardOutput{Input: in, Verdict: v}
	if v.Allowed && guardFlags.out != "" {
		if err := os.MkdirAll(filepath.Dir(guardFlags.out), 0o755); err != nil {
			return fmt.Errorf("guard: %w", err)
		}
		if err := video.Write(cmd.Context(), guardFlags.out, out, video.Options{PadOdd: true}); err != nil {
			return err
		}
		res.Out = guardFlags.out
	}
	return printVerdict(cmd, res)
}

func samePath(a, b string) bool {
	pa, err1 := filepath.Abs(a)
	pb, err2 := filepath.Abs(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	if pa == pb {
		return true
	}
	sa, err1 := os.Stat(pa)
	sb, err2 := os.Stat(pb)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

func runGuardEval(cmd *cobra.Command, args []string) error {
	g, err := promptGuardFromFlags()
	if err != nil {
		return err
	}
	data, name := guardrail.DefaultCorpusData(), "shipped corpus"
	if p := guardFlags.corpus; p != "" {
		if data, err = regfile.ReadFile(p, maxGuardInput); err != nil {
			return fmt.Errorf("guard: read corpus: %w", err)
		}
		name = p
	}
	corpus, err := guardrail.ParseCorpus(data, name)
	if err != nil {
		return err
	}
	start := time.Now()
	r, err := guardrail.EvaluateCorpus(cmd.Context(), g.CheckPrompt, corpus)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	out := struct {
		Corpus     string `json:"corpus"`
		Classifier string `json:"classifier"`
		*guardrail.CorpusReport
		PromptsPerSecond float64 `json:"prompts_per_second"`
	}{name, guardFlags.classifier, r, float64(r.Prompts) / elapsed.Seconds()}
	return printResult(cmd.OutOrStdout(), out, func(w io.Writer) error {
		fmt.Fprintf(w, "corpus %s: %d prompts, classifier %s\n", name, r.Prompts, guardFlags.classifier)
		fmt.Fprintf(w, "precision %.3f  recall %.3f  (TP %d FP %d FN %d TN %d)  %.0f prompts/s\n",
			r.Precision, r.Recall, r.All.TP, r.All.FP, r.All.FN, r.All.TN, out.PromptsPerSecond)
		fmt.Fprintf(w, "%-12s %5s %5s %5s %5s %9s %7s\n", "kind", "TP", "FP", "FN", "TN", "precision", "recall")
		for _, k := range r.Kinds() {
			c := r.ByKind[k]
			fmt.Fprintf(w, "%-12s %5d %5d %5d %5d %9.3f %7.3f\n", k, c.TP, c.FP, c.FN, c.TN, c.Precision(), c.Recall())
		}
		if guardFlags.showAll {
			for _, o := range r.Wrong {
				what := "missed"
				if o.Blocked {
					what = "wrongly blocked"
				}
				fmt.Fprintf(w, "%s (%s, line %d): %q\n", what, o.Kind, o.Line, o.Text)
			}
		}
		return nil
	})
}

func runGuardTrain(cmd *cobra.Command, args []string) error {
	if guardFlags.trainOut == "" {
		return usagef("--out is required")
	}
	if t := guardFlags.trainThreshold; !(t > 0 && t < 1) {
		return usagef("--threshold %v, want in (0, 1)", t)
	}
	data, name := classify.DefaultTrainingData(), "shipped training data"
	if p := guardFlags.trainData; p != "" {
		var err error
		if data, err = regfile.ReadFile(p, maxGuardInput); err != nil {
			return fmt.Errorf("guard: read training data: %w", err)
		}
		name = p
		if samePath(p, guardFlags.trainOut) {
			return usagef("--out %s is the training data: the command never overwrites its input", p)
		}
	}
	ex, err := classify.ParseExamples(data, name)
	if err != nil {
		return err
	}
	start := time.Now()
	m := classify.TrainLogReg(ex, classify.DefaultSeed)
	m.Threshold = guardFlags.trainThreshold
	elapsed := time.Since(start)
	if err := m.Save(guardFlags.trainOut); err != nil {
		return fmt.Errorf("guard: write model: %w", err)
	}
	res := struct {
		Data             string  `json:"data"`
		Out              string  `json:"out"`
		Examples         int     `json:"examples"`
		TrainingAccuracy float64 `json:"training_accuracy"`
		Seconds          float64 `json:"seconds"`
	}{name, guardFlags.trainOut, len(ex), m.Accuracy(ex), elapsed.Seconds()}
	return printResult(cmd.OutOrStdout(), res, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "trained on %d examples from %s in %.2fs (training accuracy %.3f); wrote %s\n",
			res.Examples, name, res.Seconds, res.TrainingAccuracy, res.Out)
		return err
	})
}
