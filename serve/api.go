package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/worldgen"
)

type ctxKey int

const ownerKey ctxKey = iota

// routes builds the handler: the API behind authentication and rate limits, the rest open.
func (s *Server) routes() http.Handler {
	api := http.NewServeMux()
	api.HandleFunc("POST /v1/videos", s.handleSubmit)
	api.HandleFunc("GET /v1/videos", s.handleList)
	api.HandleFunc("GET /v1/videos/{id}", s.handleGet)
	api.HandleFunc("DELETE /v1/videos/{id}", s.handleCancel)
	api.HandleFunc("GET /v1/videos/{id}/content", s.handleContent)
	api.HandleFunc("GET /v1/videos/{id}/events", s.handleEvents)
	api.HandleFunc("POST /v1/tokenize", s.handleTokenize)
	api.HandleFunc("POST /v1/detokenize", s.handleDetokenize)
	api.HandleFunc("POST /v1/guard/prompt", s.handleGuardPrompt)
	api.HandleFunc("GET /v1/models", s.handleModels)
	api.HandleFunc("GET /v1/reports", s.handleReports)
	api.HandleFunc("GET /metrics", s.handleMetrics)
	api.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, CodeInvalid, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	guarded := s.authenticate(api)

	mux := http.NewServeMux()
	mux.Handle("/v1/", guarded)
	mux.Handle("/metrics", guarded)
	mux.HandleFunc("GET /v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(OpenAPI)
	})
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /reports/{name...}", s.handleReport)
	mux.Handle("/", pageHandler())
	return s.count(mux)
}

// statusRecorder remembers the status code written, for the metrics.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Flush lets event streams through the recorder.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(rec, r)
		if rec.code == 0 {
			rec.code = http.StatusOK
		}
		s.metrics.request(rec.code)
	})
}

// authenticate checks the bearer token (when the server has keys) and the client's rate.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := "addr:" + clientAddr(r)
		if s.auth != nil {
			// Browsers cannot send headers with EventSource or <video src>: those two may use
			// ?access_token=.
			queryOK := r.Method == http.MethodGet && (strings.HasSuffix(r.URL.Path, "/events") || strings.HasSuffix(r.URL.Path, "/content"))
			name, ok := s.auth.check(bearer(r, queryOK))
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="wfm"`)
				writeError(w, http.StatusUnauthorized, "unauthorized", "missing or unknown API key (Authorization: Bearer KEY)")
				return
			}
			client = name
			r = r.WithContext(context.WithValue(r.Context(), ownerKey, name))
		}
		if s.limits != nil {
			if ok, wait := s.limits.allow(client, time.Now()); !ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(max(1, (wait+time.Second-1)/time.Second))))
				s.metrics.reject("rate_limit")
				writeError(w, http.StatusTooManyRequests, "rate_limited", "too many requests for this key; retry later")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// errorBody is every error response: {"error": {"code", "message"}}.
type errorBody struct {
	Error APIError `json:"error"`
}

func writeError(w http.ResponseWriter, code int, errCode, msg string) {
	writeJSON(w, code, errorBody{APIError{Code: errCode, Message: msg}})
}

// writeErr maps an error to its response: a request error 400 (413 for a body too large, 408
// for one too slow), a missing job 404, anything else 500.
func writeErr(w http.ResponseWriter, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("request body over the limit of %d bytes", tooBig.Limit))
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeError(w, http.StatusRequestTimeout, "timeout", "the request body did not arrive in time")
	case errors.Is(err, errNotFound):
		writeError(w, http.StatusNotFound, "not_found", "no such job")
	case errors.Is(err, worldgen.ErrInvalid):
		writeError(w, http.StatusBadRequest, CodeInvalid, err.Error())
	default:
		writeError(w, http.StatusInternalServerError, CodeInternal, err.Error())
	}
}

// readBody reads at most limit bytes of r's body (more is a *http.MaxBytesError) within the
// body timeout.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64) (data []byte, err error) {
	defer s.bodyDeadline(w)(&err)
	return io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
}

// bodyDeadline gives the reading of a request's body s.bodyTimeout, so that a client trickling
// its body cannot hold the request open. Call what it returns with the reading's error once
// the body is read: it lifts the deadline after a success (event streams and long handlers are
// not bounded), and after a failure closes the connection after the answer (the rest of the
// body is not waited for).
func (s *Server) bodyDeadline(w http.ResponseWriter) func(*error) {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(s.bodyTimeout))
	return func(err *error) {
		if *err != nil {
			w.Header().Set("Connection", "close")
			return
		}
		_ = rc.SetReadDeadline(time.Time{})
	}
}

// upload is a condition file taken from a multipart submission.
type upload struct {
	data []byte
}

// parseSubmission reads a POST /v1/videos body: JSON VideoParams, or multipart/form-data with a
// "request" field (the JSON) and an optional "input" file (the condition image or video).
func (s *Server) parseSubmission(w http.ResponseWriter, r *http.Request) (VideoParams, *upload, error) {
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		ct = "application/json"
	}
	switch ct {
	case "application/json":
		data, err := s.readBody(w, r, s.cfg.MaxRequestBytes)
		if err != nil {
			return VideoParams{}, nil, err
		}
		p, err := ParseVideoParams(data)
		return p, nil, err
	case "multipart/form-data":
		if params["boundary"] == "" {
			return VideoParams{}, nil, invalidf("multipart body without a boundary")
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxRequestBytes+s.cfg.MaxUploadBytes)
		done := s.bodyDeadline(w)
		p, up, err := parseMultipartSubmission(r.Body, params["boundary"], s.cfg.MaxRequestBytes, s.cfg.MaxUploadBytes)
		done(&err)
		return p, up, err
	}
	return VideoParams{}, nil, &RequestError{Field: "Content-Type", Reason: ct + ": want application/json or multipart/form-data"}
}

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	p, up, err := s.parseSubmission(w, r)
	if err != nil {
		s.metrics.reject("bad_request")
		writeErr(w, err)
		return
	}
	name := p.Model
	if name == "" {
		name = s.modelOrder[0]
	}
	m := s.models[name]
	if m == nil {
		s.metrics.reject("bad_request")
		writeErr(w, &RequestError{Field: "model", Reason: fmt.Sprintf("%q is not served (GET /v1/models)", name)})
		return
	}
	p.Model = name
	if up != nil && p.CondFrames == 0 {
		p.CondFrames = 1 // wfm generate's --cond-frames default
	}
	if err := m.gens[0].Check(p, up != nil); err != nil {
		s.metrics.reject("bad_request")
		writeErr(w, err)
		return
	}
	verdict, ok := s.guardText(w, r, "prompt", p.Prompt)
	if !ok {
		return
	}
	var negVerdict *guardrail.Verdict
	if neg := *p.NegativePrompt; strings.TrimSpace(neg) != "" && neg != worldgen.DefaultNegativePrompt {
		v, ok := s.guardText(w, r, "negative prompt", neg)
		if !ok {
			return
		}
		negVerdict = &v
	}
	if wait, err := s.reserve(m); err != nil {
		if errors.Is(err, ErrQueueFull) {
			s.metrics.reject("queue_full")
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
			writeError(w, http.StatusTooManyRequests, "queue_full", fmt.Sprintf("%d jobs are waiting; retry later", s.cfg.MaxQueue))
			return
		}
		writeError(w, http.StatusServiceUnavailable, "unavailable", err.Error())
		return
	}
	now := time.Now().UTC()
	id, err := newID(now)
	if err != nil {
		s.unreserve()
		writeErr(w, err)
		return
	}
	v := &Video{ID: id, Object: "video", Status: StatusQueued, Model: name, Params: p, Seed: *p.Seed,
		CreatedAt: now, PromptVerdict: &verdict, NegativePromptVerdict: negVerdict, Owner: owner(r)}
	if p.TimeoutSeconds > 0 {
		d := now.Add(time.Duration(p.TimeoutSeconds * float64(time.Second)))
		v.Deadline = &d
	}
	if up != nil {
		if v.Input, v.InputExt, err = s.storeUpload(r.Context(), id, up.data); err != nil {
			s.unreserve()
			s.metrics.reject("bad_upload")
			writeUploadErr(w, err)
			return
		}
	}
	accepted := *v // once queued, v belongs to the worker
	if err := s.enqueue(m, v); err != nil {
		if v.InputExt != "" {
			_ = os.Remove(s.inputPath(id, v.InputExt))
		}
		writeErr(w, err)
		return
	}
	w.Header().Set("Location", "/v1/videos/"+id)
	writeJSON(w, http.StatusAccepted, &accepted)
}

// guardText passes a submission's text (what names it: "prompt", "negative prompt") through
// the pre-guard. When it is blocked, or the guard fails (closed), it answers 422 with the reason
// and the verdict and returns false.
func (s *Server) guardText(w http.ResponseWriter, r *http.Request, what, text string) (guardrail.Verdict, bool) {
	verdict, err := s.promptGuard.CheckPrompt(r.Context(), text)
	if err == nil && verdict.Allowed {
		return verdict, true
	}
	s.metrics.reject("blocked")
	msg := what + " blocked by the pre-guard: " + verdict.Reason()
	if err != nil {
		msg = what + " blocked: the pre-guard failed closed: " + err.Error()
	}
	writeJSON(w, http.StatusUnprocessableEntity, errorBody{APIError{Code: CodeBlocked, Message: msg, Verdict: &verdict}})
	return verdict, false
}

// storeUpload sniffs and decodes a condition upload and writes it, atomically, under the job's
// id; it returns its content type and extension.
func (s *Server) storeUpload(ctx context.Context, id string, data []byte) (string, string, error) {
	ct, ext, err := sniffUpload(data)
	if err != nil {
		return "", "", err
	}
	path := s.inputPath(id, ext)
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return "", "", err
	}
	if _, err := decodeMedia(ctx, data, ext, "input", uploadLimits, path); err != nil {
		_ = os.Remove(path)
		return "", "", err
	}
	return ct, ext, nil
}

// VideoList is a page of GET /v1/videos: newest first; pass the last id as ?after= for the
// next page while HasMore.
type VideoList struct {
	Object  string   `json:"object"` // "list"
	Data    []*Video `json:"data"`
	HasMore bool     `json:"has_more"`
	LastID  string   `json:"last_id,omitempty"`
}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 20
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			writeErr(w, &RequestError{Field: "limit", Reason: "want 1..100"})
			return
		}
		limit = n
	}
	after := q.Get("after")
	if after != "" && !ValidID(after) {
		writeErr(w, &RequestError{Field: "after", Reason: "not a job id"})
		return
	}
	list, more, err := s.db.list(after, owner(r), limit)
	if err != nil {
		writeErr(w, err)
		return
	}
	// Unfinished jobs show their live state.
	s.mu.Lock()
	for i, v := range list {
		if aj := s.active[v.ID]; aj != nil {
			c := *aj.v
			list[i] = &c
		}
	}
	s.mu.Unlock()
	out := VideoList{Object: "list", Data: list, HasMore: more}
	if out.Data == nil {
		out.Data = []*Video{}
	}
	if len(list) > 0 {
		out.LastID = list[len(list)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}

// owner is the name of the request's API key ("" without keys).
func owner(r *http.Request) string {
	name, _ := r.Context().Value(ownerKey).(string)
	return name
}

// find is lookup for the request's key: with API keys, a key sees only its own jobs (another
// key's job is "no such job").
func (s *Server) find(r *http.Request, id string) (*Video, error) {
	v, err := s.lookup(id)
	if err == nil && s.auth != nil && v.Owner != owner(r) {
		return nil, errNotFound
	}
	return v, err
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	v, err := s.find(r, r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request) {
	if _, err := s.find(r, r.PathValue("id")); err != nil {
		writeErr(w, err)
		return
	}
	v, err := s.cancelJob(r.PathValue("id"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// contentTypes of the /content formats.
var contentTypes = map[string]string{"mp4": "video/mp4", "y4m": "video/x-yuv4mpeg", "gif": "image/gif"}

func (s *Server) handleContent(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	v, err := s.find(r, id)
	if err != nil {
		writeErr(w, err)
		return
	}
	if v.Status != StatusCompleted {
		writeError(w, http.StatusConflict, "not_ready", "the job is "+v.Status+"; content exists once it is completed")
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "mp4"
	}
	ct := contentTypes[format]
	if ct == "" {
		writeErr(w, &RequestError{Field: "format", Reason: "want mp4, y4m or gif"})
		return
	}
	path := s.videoPath(id, "."+format)
	if format == "mp4" && !s.ffmpeg {
		writeError(w, http.StatusNotImplemented, "no_mp4", "this server has no ffmpeg to write MP4: ask ?format=y4m or ?format=gif")
		return
	}
	if format != "y4m" {
		if err := s.encodeOnce(r.Context(), id, path); err != nil {
			writeErr(w, err)
			return
		}
	}
	f, err := os.Open(path)
	if err != nil {
		writeErr(w, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		writeErr(w, err)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", id+"."+format))
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// handleEvents streams the job as Server-Sent Events: an "event: video" with the job's JSON
// now and at each change (status, each denoiser evaluation), until it is finished.
// encodeOnce writes a job's video to path (MP4 or GIF, by its extension) from its Y4M, on the
// first request for it: concurrent first requests wait for one encoding instead of each
// running ffmpeg.
func (s *Server) encodeOnce(ctx context.Context, id, path string) error {
	m, _ := s.encoding.LoadOrStore(path, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()
	defer mu.Unlock()
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	clip, err := video.Read(ctx, s.videoPath(id, ".y4m"), video.Options{})
	if err != nil {
		return err
	}
	return video.Write(ctx, path, clip, video.Options{PadOdd: true})
}

// eventInterval is the least time between two progress events of one stream.
const eventInterval = 100 * time.Millisecond

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.find(r, id); err != nil {
		writeErr(w, err)
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, CodeInternal, "streaming unsupported")
		return
	}
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	aj := s.active[id]
	if aj != nil {
		aj.subs[ch] = struct{}{}
	}
	s.mu.Unlock()
	if aj != nil {
		defer func() {
			s.mu.Lock()
			delete(aj.subs, ch)
			s.mu.Unlock()
		}()
	}
	v, err := s.lookup(id)
	if err != nil {
		writeErr(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	send := func(v *Video) bool {
		data, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "event: video\ndata: %s\n\n", data); err != nil {
			return false
		}
		flusher.Flush()
		return true
	}
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	last := -1
	for {
		if v.EvaluationsDone != last || v.Finished() {
			if !send(v) || v.Finished() {
				return
			}
			last = v.EvaluationsDone
			// Progress events are coalesced: a small model finishes hundreds of steps a second,
			// and an event per step kept a browser's page too busy to take a click. Notifications
			// during the pause wait in ch (one is enough); the final state is read after it.
			select {
			case <-r.Context().Done():
				return
			case <-s.ctx.Done():
				return
			case <-time.After(eventInterval):
			}
			if v, err = s.lookup(id); err != nil {
				return
			}
			continue
		}
		select {
		case <-r.Context().Done():
			return
		case <-s.ctx.Done():
			return
		case <-keepalive.C:
			if _, err := io.WriteString(w, ": keepalive\n\n"); err != nil {
				return
			}
			flusher.Flush()
		case <-ch:
			last = -2 // a status change may keep the count: always send
		}
		if v, err = s.lookup(id); err != nil {
			return
		}
	}
}

func (s *Server) handleGuardPrompt(w http.ResponseWriter, r *http.Request) {
	data, err := s.readBody(w, r, s.cfg.MaxRequestBytes)
	if err != nil {
		writeErr(w, err)
		return
	}
	var req GuardPromptRequest
	if err := decodeStrict(data, &req); err != nil {
		writeErr(w, err)
		return
	}
	v, err := s.promptGuard.CheckPrompt(r.Context(), req.Prompt)
	if err != nil {
		writeJSON(w, http.StatusOK, struct {
			Verdict any    `json:"verdict"`
			Error   string `json:"error"`
		}{v, err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Verdict any    `json:"verdict"`
		Reason  string `json:"reason"`
	}{v, v.Reason()})
}

// ModelList is GET /v1/models.
type ModelList struct {
	Object     string      `json:"object"` // "list"
	Data       []ModelInfo `json:"data"`
	Tokenizers []string    `json:"tokenizers"`
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, ModelList{Object: "list", Data: s.Models(), Tokenizers: s.tokOrder})
}

// Health is GET /healthz.
type Health struct {
	Status        string  `json:"status"` // "ok"
	Models        int     `json:"models"`
	Queued        int     `json:"queued"`
	Running       int     `json:"running"`
	UptimeSeconds float64 `json:"uptime_seconds"`
	FFmpeg        bool    `json:"ffmpeg"`
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h := Health{Status: "ok", Models: len(s.models), Queued: s.queued, Running: s.running,
		UptimeSeconds: time.Since(s.started).Seconds(), FFmpeg: s.ffmpeg}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, h)
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	g := gauges{queued: s.queued, running: s.running, perModelQueued: map[string]int{}}
	for name, m := range s.models {
		g.perModelQueued[name] = len(m.queue)
	}
	s.mu.Unlock()
	g.gpus = s.gpuMemory.read(r.Context())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w, g)
}
