package serve

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/worldgen"
)

// ErrQueueFull is Submit's error when Config.MaxQueue jobs are waiting.
var ErrQueueFull = errors.New("serve: the queue is full")

// reserve takes a queue slot for a submission in flight, or says how long to wait.
func (s *Server) reserve(m *model) (time.Duration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, errors.New("serve: the server is closing")
	}
	if s.queued >= s.cfg.MaxQueue {
		// The time for the workers to take the jobs ahead, by the model's recent run time.
		run := m.avgRun
		if run == 0 {
			run = 1
		}
		wait := time.Duration(math.Ceil(float64(s.queued)*run/float64(len(m.gens)))) * time.Second
		return max(wait, time.Second), ErrQueueFull
	}
	s.queued++
	return 0, nil
}

func (s *Server) unreserve() {
	s.mu.Lock()
	s.queued--
	s.mu.Unlock()
}

// enqueue commits a new job to the database, then queues it on its reserved slot: a job is
// acknowledged only once a restart would find it.
func (s *Server) enqueue(m *model, v *Video) error {
	if err := s.db.put(v); err != nil {
		s.unreserve()
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active[v.ID] = &activeJob{v: v, subs: map[chan struct{}]struct{}{}}
	m.queue = append(m.queue, v.ID)
	m.cond.Signal()
	return nil
}

// lookup returns a copy of job id's current state, from memory while it is unfinished, else
// from the database.
func (s *Server) lookup(id string) (*Video, error) {
	if !ValidID(id) {
		return nil, errNotFound
	}
	s.mu.Lock()
	if aj := s.active[id]; aj != nil {
		v := *aj.v
		s.mu.Unlock()
		return &v, nil
	}
	s.mu.Unlock()
	return s.db.get(id)
}

// cancelJob cancels a queued job at once, or asks a running one to stop (it ends cancelled
// within a denoiser step). A finished job is deleted: its record, its videos and its condition
// upload; the job is returned as it was, with Deleted set.
func (s *Server) cancelJob(id string) (*Video, error) {
	if !ValidID(id) {
		return nil, errNotFound
	}
	s.mu.Lock()
	aj := s.active[id]
	if aj == nil { // finished (or unknown): no one changes it any more
		s.mu.Unlock()
		return s.deleteJob(id)
	}
	aj.cancelled = true
	if aj.cancel != nil { // running: the worker finishes it
		aj.cancel()
		v := *aj.v
		s.mu.Unlock()
		return &v, nil
	}
	m := s.models[aj.v.Model]
	for i, q := range m.queue {
		if q == id {
			m.queue = append(m.queue[:i], m.queue[i+1:]...)
			s.queued--
			break
		}
	}
	now := time.Now().UTC()
	aj.v.Status, aj.v.FinishedAt = StatusCancelled, &now
	aj.v.Error = &APIError{Code: CodeCancelled, Message: "cancelled while queued"}
	v := *aj.v
	delete(s.active, id)
	s.notify(aj)
	s.mu.Unlock()
	s.metrics.finished(&v, 0)
	return &v, s.db.put(&v)
}

// deleteJob removes finished job id's record, then its files.
func (s *Server) deleteJob(id string) (*Video, error) {
	v, err := s.db.remove(id)
	if err != nil {
		return nil, err
	}
	s.removeOutputs(id)
	if v.InputExt != "" {
		if err := os.Remove(s.inputPath(id, v.InputExt)); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("serve: remove a deleted job's upload", "job", id, "err", err)
		}
	}
	v.Deleted = true
	return v, nil
}

// notify wakes the event streams of aj. s.mu must be held.
func (s *Server) notify(aj *activeJob) {
	for ch := range aj.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// worker runs the jobs of m on g, one at a time, until the server closes.
func (s *Server) worker(m *model, g Generator) {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		for len(m.queue) == 0 && !s.closed {
			m.cond.Wait()
		}
		if s.closed {
			s.mu.Unlock()
			return
		}
		id := m.queue[0]
		m.queue = m.queue[1:]
		s.queued--
		aj := s.active[id]
		s.mu.Unlock()
		if aj != nil {
			s.run(m, g, aj)
		}
	}
}

// run generates one job and records how it ended.
func (s *Server) run(m *model, g Generator, aj *activeJob) {
	start := time.Now()
	s.mu.Lock()
	v := aj.v
	if aj.cancelled || s.active[v.ID] != aj { // cancelled between the queue and here
		s.mu.Unlock()
		return
	}
	if v.Deadline != nil && !start.Before(*v.Deadline) {
		s.finish(aj, &APIError{Code: CodeDeadlineExceeded, Message: "the deadline passed before the job started"})
		s.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	if v.Deadline != nil {
		ctx, cancel = context.WithDeadline(s.ctx, *v.Deadline)
	}
	defer cancel()
	aj.cancel = cancel
	startedAt := start.UTC()
	v.Status, v.StartedAt, v.Attempts = StatusRunning, &startedAt, v.Attempts+1
	v.QueueSeconds = start.Sub(v.CreatedAt).Seconds()
	snap := *v
	s.running++
	s.notify(aj)
	s.mu.Unlock()
	if err := s.db.put(&snap); err != nil {
		s.log.Error("serve: record a job's start", "job", snap.ID, "err", err)
	}

	rep, err := s.generate(ctx, m, g, &snap, aj)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	aj.cancel = nil
	v.RunSeconds = time.Since(start).Seconds()
	if rep.Evaluations > 0 || rep.Model != "" {
		v.Report = &rep
	}
	var blocked *worldgen.BlockedError
	switch {
	case s.ctx.Err() != nil && !aj.cancelled:
		// The server is closing: the job stays unfinished and the next server runs it.
		v.Status, v.Progress, v.EvaluationsDone, v.StartedAt = StatusQueued, 0, 0, nil
		snap := *v
		delete(s.active, v.ID)
		s.notify(aj)
		if err := s.db.put(&snap); err != nil {
			s.log.Error("serve: put a job back", "job", v.ID, "err", err)
		}
		return
	case aj.cancelled:
		s.finish(aj, &APIError{Code: CodeCancelled, Message: "cancelled while running"})
	case err == nil:
		s.finish(aj, nil)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		s.finish(aj, &APIError{Code: CodeDeadlineExceeded, Message: "the job's deadline passed while it ran"})
	case errors.As(err, &blocked):
		s.finish(aj, &APIError{Code: CodeBlocked, Message: blocked.Error(), Verdict: &blocked.Verdict})
	case errors.Is(err, worldgen.ErrInvalid):
		s.finish(aj, &APIError{Code: CodeInvalid, Message: err.Error()})
	default:
		s.log.Error("serve: job failed", "job", v.ID, "err", err)
		s.finish(aj, &APIError{Code: CodeInternal, Message: err.Error()})
	}
	m.avgRun = 0.8*m.avgRun + 0.2*v.RunSeconds
	if m.avgRun == 0.2*v.RunSeconds {
		m.avgRun = v.RunSeconds
	}
}

// generate reads the job's condition upload, runs the model and writes the video as Y4M (the
// MP4 and GIF are encoded from it on their first request, off the worker: an ffmpeg run takes
// longer than a tiny model's whole generation). It
// runs without the server's mutex; progress goes to aj under it.
func (s *Server) generate(ctx context.Context, m *model, g Generator, v *Video, aj *activeJob) (worldgen.Report, error) {
	j := Job{Params: v.Params}
	if v.InputExt != "" {
		fps := v.Params.FPS // as wfm generate reads --input: at --fps, else the model's rate
		if fps == 0 {
			fps = m.info.FPS
		}
		if fps == 0 {
			fps = worldgen.DefaultFPS
		}
		in, err := worldgen.ReadInput(ctx, s.inputPath(v.ID, v.InputExt), fps)
		if err != nil {
			return worldgen.Report{}, fmt.Errorf("read the condition upload: %w", err)
		}
		j.Input = in
	}
	j.Started = func(r worldgen.Report) {
		s.mu.Lock()
		aj.v.Evaluations = r.Evaluations
		s.notify(aj)
		s.mu.Unlock()
	}
	j.Progress = func(done, total int) {
		s.mu.Lock()
		aj.v.EvaluationsDone, aj.v.Evaluations = done, total
		if total > 0 {
			aj.v.Progress = float64(done) / float64(total)
		}
		s.notify(aj)
		s.mu.Unlock()
	}
	clip, rep, err := g.Generate(ctx, j)
	if err != nil {
		return rep, err
	}
	if err := video.Write(ctx, s.videoPath(v.ID, ".y4m"), clip, video.Options{}); err != nil {
		return rep, err
	}
	return rep, nil
}

// finish records a job's final status (completed when fail is nil). s.mu must be held.
func (s *Server) finish(aj *activeJob, fail *APIError) {
	v := aj.v
	now := time.Now().UTC()
	v.FinishedAt = &now
	if fail != nil {
		v.Status, v.Error = StatusFailed, fail
		if fail.Code == CodeCancelled {
			v.Status = StatusCancelled
		}
		s.removeOutputs(v.ID)
	} else {
		v.Status, v.Progress = StatusCompleted, 1
		v.Formats = []string{"y4m", "gif"}
		if s.ffmpeg {
			v.Formats = append([]string{"mp4"}, v.Formats...)
		}
	}
	snap := *v
	if err := s.db.put(&snap); err != nil {
		s.log.Error("serve: record a finished job", "job", v.ID, "err", err)
	}
	delete(s.active, v.ID)
	s.notify(aj)
	s.metrics.finished(&snap, snap.EvaluationsDone)
}

// removeOutputs deletes what a failed or cancelled job may have written.
func (s *Server) removeOutputs(id string) {
	for _, ext := range []string{".y4m", ".mp4", ".gif"} {
		_ = os.Remove(s.videoPath(id, ext))
	}
}
