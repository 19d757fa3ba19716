package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gomlx/compute"

	"github.com/wfm-platform/wfm/backend"
	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/video"
)

// Config configures a Server. Models and DataDir are required.
type Config struct {
	// Addr is where Run listens (HOST:PORT); empty is DefaultAddr.
	Addr string
	// Models are the model folders to serve, "DIR" (a diffusion model) or "KIND:DIR" for a kind
	// registered with RegisterKind. Requests name a model by its folder's base name; the first
	// is the default.
	Models []string
	// Tokenizers are tokenizer weights files served by /v1/tokenize besides those the models
	// record.
	Tokenizers []string
	// DataDir holds the job database, the uploads and the videos; the server locks it.
	DataDir string
	// MaxQueue is the number of jobs that may wait for a worker (default 64); a submission
	// beyond it gets 429 with Retry-After.
	MaxQueue int
	// Workers is the number of jobs each model runs at once, each on its own compiled
	// instance (default 1).
	Workers int
	// APIKeys, when set, are the bearer tokens every /v1 request and /metrics must carry.
	APIKeys []APIKey
	// AllowRemoteWithoutKeys lets a server without APIKeys listen beyond loopback.
	AllowRemoteWithoutKeys bool
	// RateLimit is the requests per second each key (or, without keys, each client address)
	// may make, with bursts of RateBurst (defaults 20 and 40); a negative RateLimit disables it.
	RateLimit float64
	RateBurst int
	// MaxRequestBytes bounds a JSON body (default 1 MiB), MaxUploadBytes an uploaded video or
	// tokens file (default 32 MiB).
	MaxRequestBytes int64
	MaxUploadBytes  int64
	// ReportsDir, when set, is a folder of benchmark reports served read-only under /reports/
	// (to anyone who reaches the server, like the page) and listed by GET /v1/reports.
	ReportsDir string
	// Backend runs the models; nil opens backend.Open(BackendName), which Close releases.
	Backend     compute.Backend
	BackendName string
	// PromptGuard configures the pre-guard every prompt passes (the defaults when zero).
	PromptGuard guardrail.PromptGuardOptions
	// Logger receives the server's log (default slog.Default()).
	Logger *slog.Logger
}

// defaultBodyTimeout bounds the reading of a request body: 32 MiB at 300 kB/s.
const defaultBodyTimeout = 2 * time.Minute

// DefaultAddr is where a server listens when Config.Addr is empty: loopback only.
const DefaultAddr = "127.0.0.1:8080"

// Server is the HTTP server of the world models. Create it with New, serve with Run or Serve
// (or mount Handler), and Close it.
type Server struct {
	cfg         Config
	log         *slog.Logger
	lock        *dirlock.Lock
	db          *store
	videosDir   string
	inputsDir   string
	tmpDir      string
	b           compute.Backend
	ownsBackend bool
	models      map[string]*model
	modelOrder  []string
	tokenizers  map[string]*tokenizerEntry
	tokOrder    []string
	promptGuard *guardrail.PromptGuard
	auth        *authenticator
	limits      *limiters
	metrics     *metrics
	gpuMemory   *gpuMemoryReader // device memory for /metrics (nvidia-smi)
	encoding    sync.Map         // output path -> *sync.Mutex: one MP4/GIF encoding at a time per file
	reports     *os.Root         // Config.ReportsDir, or nil
	ffmpeg      bool
	bodyTimeout time.Duration // to read a request's body (defaultBodyTimeout)
	started     time.Time
	handler     http.Handler

	ctx    context.Context // the server's life: workers stop and running jobs are put back when done
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	active  map[string]*activeJob // queued and running jobs
	queued  int                   // jobs waiting, plus slots reserved by submissions in flight
	running int
	closed  bool
}

// model is one served model: its instances (one per worker) and its queue.
type model struct {
	info   ModelInfo
	gens   []Generator
	queue  []string   // job ids, first come first served
	cond   *sync.Cond // on Server.mu: the queue changed or the server closes
	avgRun float64    // moving average of run seconds, for Retry-After
}

// activeJob is a queued or running job: its current state, which only the server's mutex
// guards, and the streams watching it.
type activeJob struct {
	v         *Video
	cancel    context.CancelFunc // set while running
	cancelled bool               // DELETE asked for it
	subs      map[chan struct{}]struct{}
}

// New opens the models (each compiled once per worker), the tokenizers they record, the
// prompt guard and the job database under cfg.DataDir, and puts the jobs a previous server
// left unfinished back in the queue. It refuses, before loading anything, a non-loopback
// address without API keys (unless AllowRemoteWithoutKeys) and a data folder another process
// holds.
func New(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if len(cfg.APIKeys) == 0 && !cfg.AllowRemoteWithoutKeys && !IsLoopback(cfg.Addr) {
		return nil, fmt.Errorf("serve: address %s is not loopback and no API keys are set: give API keys, listen on 127.0.0.1, or allow remote access without keys explicitly", cfg.Addr)
	}
	if len(cfg.Models) == 0 {
		return nil, errors.New("serve: no models")
	}
	if cfg.DataDir == "" {
		return nil, errors.New("serve: no data folder")
	}
	if cfg.MaxQueue <= 0 {
		cfg.MaxQueue = 64
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = 20
	}
	if cfg.RateBurst <= 0 {
		cfg.RateBurst = 40
	}
	if cfg.MaxRequestBytes <= 0 {
		cfg.MaxRequestBytes = 1 << 20
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 32 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, log: cfg.Logger, models: map[string]*model{}, tokenizers: map[string]*tokenizerEntry{},
		active: map[string]*activeJob{}, metrics: newMetrics(), gpuMemory: newGPUMemoryReader(), started: time.Now(), bodyTimeout: defaultBodyTimeout,
		ffmpeg: video.FFmpegAvailable(video.Options{})}
	if len(cfg.APIKeys) > 0 {
		s.auth = newAuthenticator(cfg.APIKeys)
	}
	if cfg.RateLimit > 0 {
		s.limits = newLimiters(cfg.RateLimit, cfg.RateBurst)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()
	var err error
	if s.lock, err = dirlock.Acquire(cfg.DataDir, "wfm serve"); err != nil {
		return nil, err
	}
	if h := s.lock.TookOver(); h != nil {
		s.log.Warn("serve: took over the data folder's lock of a process that is gone", "holder", h.String())
	}
	s.videosDir, s.inputsDir, s.tmpDir = filepath.Join(cfg.DataDir, "videos"), filepath.Join(cfg.DataDir, "inputs"), filepath.Join(cfg.DataDir, "tmp")
	for _, d := range []string{s.videosDir, s.inputsDir, s.tmpDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
	}
	if err := clearDir(s.tmpDir); err != nil {
		return nil, err
	}
	for _, d := range []string{s.videosDir, s.inputsDir} {
		if err := removePartials(d); err != nil {
			return nil, err
		}
	}
	if s.reports, err = openReports(cfg.ReportsDir); err != nil {
		return nil, err
	}
	if s.db, err = openStore(filepath.Join(cfg.DataDir, "jobs.db")); err != nil {
		return nil, err
	}
	if s.promptGuard, err = guardrail.OpenPromptGuard(cfg.PromptGuard); err != nil {
		return nil, err
	}
	videoGuard, err := guardrail.DefaultVideoGuard()
	if err != nil {
		return nil, err
	}
	if s.b = cfg.Backend; s.b == nil {
		if s.b, _, err = backend.Open(cfg.BackendName); err != nil {
			return nil, err
		}
		s.ownsBackend = true
	}
	opts := OpenOptions{Backend: s.b, Guard: &guardrail.Guard{Prompt: s.promptGuard, Video: videoGuard}}
	for _, spec := range cfg.Models {
		if err := s.openModel(spec, opts); err != nil {
			return nil, err
		}
	}
	for _, path := range cfg.Tokenizers {
		s.addTokenizer(path)
	}
	if err := s.recover(); err != nil {
		return nil, err
	}
	for _, name := range s.modelOrder {
		m := s.models[name]
		for _, g := range m.gens {
			s.wg.Add(1)
			go s.worker(m, g)
		}
	}
	s.handler = s.routes()
	ok = true
	return s, nil
}

// openModel opens cfg.Workers instances of the model spec names.
func (s *Server) openModel(spec string, opts OpenOptions) error {
	kind, dir, open, err := splitModelSpec(spec)
	if err != nil {
		return err
	}
	m := &model{cond: sync.NewCond(&s.mu)}
	for i := range s.cfg.Workers {
		g, err := open(dir, opts)
		if err != nil {
			for _, g := range m.gens {
				g.Close()
			}
			return fmt.Errorf("serve: model %s: %w", spec, err)
		}
		m.gens = append(m.gens, g)
		if i == 0 {
			m.info = g.Info()
			m.info.Kind = kind
		}
	}
	m.info.Workers = len(m.gens)
	if _, dup := s.models[m.info.Name]; dup {
		for _, g := range m.gens {
			g.Close()
		}
		return fmt.Errorf("serve: two models are named %s (the folder's base name)", m.info.Name)
	}
	s.models[m.info.Name] = m
	s.modelOrder = append(s.modelOrder, m.info.Name)
	if !strings.HasPrefix(m.info.Tokenizer, "preset:") {
		s.addTokenizer(m.info.Tokenizer)
	}
	return nil
}

// clearDir removes what a previous server left in its scratch folder.
func clearDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	return nil
}

// removePartials removes the temporary files of atomic writes a killed server left in dir
// (atomicfile names them .NAME.tmp-*).
func removePartials(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp-") {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return fmt.Errorf("serve: %w", err)
			}
		}
	}
	return nil
}

// recover queues again the jobs a previous server accepted and did not finish, oldest first.
func (s *Server) recover() error {
	var again []*Video
	err := s.db.all(func(v *Video) error {
		if !v.Finished() {
			again = append(again, v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, v := range again {
		m := s.models[v.Model]
		if m == nil {
			v.Status, v.Error = StatusFailed, &APIError{Code: CodeInvalid, Message: "model " + v.Model + " is not served any more"}
			now := time.Now().UTC()
			v.FinishedAt = &now
			if err := s.db.put(v); err != nil {
				return err
			}
			continue
		}
		v.Status, v.Progress, v.EvaluationsDone = StatusQueued, 0, 0
		if err := s.db.put(v); err != nil {
			return err
		}
		s.active[v.ID] = &activeJob{v: v, subs: map[chan struct{}]struct{}{}}
		m.queue = append(m.queue, v.ID)
		s.queued++
	}
	if len(again) > 0 {
		s.log.Info("serve: queued again the jobs a previous server left unfinished", "jobs", len(again))
	}
	return nil
}

// Handler is the server's HTTP handler (the API, /metrics, /healthz and the web page).
func (s *Server) Handler() http.Handler { return s.handler }

// Addr is the address Run listens on.
func (s *Server) Addr() string { return s.cfg.Addr }

// Run listens on Config.Addr and serves until ctx is done, then shuts the listener down
// (giving requests in flight 5 s). It does not Close the server.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener of the caller's.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10,
		IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close() // event streams do not end by themselves
	}
	<-errc
	return nil
}

// Close stops the workers (a running job is put back in the queue for the next server, not
// failed), closes the models, the database and the backend it opened, and releases the data
// folder. Closing twice does nothing more.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for _, m := range s.models {
		m.cond.Broadcast()
	}
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	s.mu.Lock()
	for _, aj := range s.active {
		s.notify(aj) // event streams see the server going
	}
	s.mu.Unlock()
	var first error
	for _, name := range s.modelOrder {
		for _, g := range s.models[name].gens {
			if err := g.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	for _, t := range s.tokenizers {
		t.close()
	}
	if s.db != nil {
		if err := s.db.close(); err != nil && first == nil {
			first = err
		}
	}
	if s.reports != nil {
		s.reports.Close()
	}
	if s.ownsBackend && s.b != nil {
		s.b.Finalize()
		s.b = nil
	}
	if s.lock != nil {
		if err := s.lock.Release(); err != nil && first == nil {
			first = err
		}
		s.lock = nil
	}
	return first
}

// Models describes the models served, in Config.Models order.
func (s *Server) Models() []ModelInfo {
	out := make([]ModelInfo, 0, len(s.modelOrder))
	for _, name := range s.modelOrder {
		out = append(out, s.models[name].info)
	}
	return out
}

// videoPath is where job id's video in format ext (".y4m", ".mp4", ".gif") lives; id must
// have passed ValidID.
func (s *Server) videoPath(id, ext string) string { return filepath.Join(s.videosDir, id+ext) }

func (s *Server) inputPath(id, ext string) string { return filepath.Join(s.inputsDir, id+ext) }

// copyFile streams path to w.
func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
