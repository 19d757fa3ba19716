package serve

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wfm-platform/wfm/guardrail"
	"github.com/wfm-platform/wfm/worldgen"
)

// Job statuses. Queued and running jobs are unfinished: a restarted server runs them again.
const (
	StatusQueued    = "queued"
	StatusRunning   = "running"
	StatusCompleted = "completed"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// Error codes of a failed job (Video.Error.Code) and of API errors.
const (
	CodeInvalid          = "invalid_request"
	CodeBlocked          = "blocked"
	CodeDeadlineExceeded = "deadline_exceeded"
	CodeInternal         = "internal_error"
	CodeCancelled        = "cancelled"
)

// Video is a generation job as the API shows it and the database keeps it.
type Video struct {
	ID     string `json:"id"`
	Object string `json:"object"` // always "video"
	Status string `json:"status"`
	Model  string `json:"model"`
	// Params are the request's parameters with the defaults resolved (the seed included).
	Params VideoParams `json:"params"`
	Seed   uint64      `json:"seed"`
	// Input is the content type of the condition upload ("" for Text2World); InputExt the
	// extension the server stored it under.
	Input    string `json:"input,omitempty"`
	InputExt string `json:"input_ext,omitempty"`
	// Progress runs from 0 to 1 over the denoiser evaluations.
	Progress        float64    `json:"progress"`
	EvaluationsDone int        `json:"evaluations_done"`
	Evaluations     int        `json:"evaluations"`
	CreatedAt       time.Time  `json:"created_at"`
	StartedAt       *time.Time `json:"started_at,omitempty"`
	FinishedAt      *time.Time `json:"finished_at,omitempty"`
	Deadline        *time.Time `json:"deadline,omitempty"`
	// QueueSeconds is the wait before the last run began, RunSeconds that run's time.
	QueueSeconds float64 `json:"queue_seconds,omitempty"`
	RunSeconds   float64 `json:"run_seconds,omitempty"`
	// Attempts counts runs begun (a job interrupted by a restart runs again).
	Attempts int `json:"attempts"`
	// PromptVerdict is the pre-guard's verdict on the prompt at submission; Report.Guardrails holds every
	// verdict of the run.
	PromptVerdict *guardrail.Verdict `json:"prompt_verdict,omitempty"`
	// NegativePromptVerdict is the pre-guard's verdict on the negative prompt (absent when it
	// is empty or worldgen.DefaultNegativePrompt).
	NegativePromptVerdict *guardrail.Verdict `json:"negative_prompt_verdict,omitempty"`
	Report                *worldgen.Report   `json:"report,omitempty"`
	Error                 *APIError          `json:"error,omitempty"`
	// Formats are the /content formats available (mp4 when ffmpeg was found, y4m, gif).
	Formats []string `json:"formats,omitempty"`
	// Owner is the name of the API key that submitted the job.
	Owner string `json:"owner,omitempty"`
	// Deleted is set in the answer to DELETE of a finished job: its record and files are gone.
	Deleted bool `json:"deleted,omitempty"`
}

// Finished reports whether the job has reached a final status.
func (v *Video) Finished() bool {
	return v.Status == StatusCompleted || v.Status == StatusFailed || v.Status == StatusCancelled
}

// APIError is the error object of an error response ({"error": ...}) and of a failed job.
type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Verdict is the guard's verdict when Code is "blocked".
	Verdict *guardrail.Verdict `json:"verdict,omitempty"`
}

// newID returns a job id: "vid_", the creation time in nanoseconds (16 hex digits, so ids sort
// by creation) and 64 random bits.
func newID(now time.Time) (string, error) {
	var b [16]byte
	ns := uint64(now.UnixNano())
	for i := range 8 {
		b[i] = byte(ns >> (56 - 8*i))
	}
	if _, err := rand.Read(b[8:]); err != nil {
		return "", err
	}
	return "vid_" + hex.EncodeToString(b[:]), nil
}

// ValidID reports whether id has the form newID gives (the only ids that reach a file name).
func ValidID(id string) bool {
	if len(id) != 36 || id[:4] != "vid_" {
		return false
	}
	for _, c := range []byte(id[4:]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

var jobsBucket = []byte("jobs")

// store keeps the jobs in a bbolt database: bucket "jobs", key the id, value the Video's JSON.
// Each put is one committed (fsynced) transaction.
type store struct{ db *bolt.DB }

func openStore(path string) (*store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("serve: open the job database %s: %w", path, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(jobsBucket)
		return err
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("serve: job database %s: %w", path, err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

func (s *store) put(v *Video) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(jobsBucket).Put([]byte(v.ID), data) })
}

var errNotFound = errors.New("serve: no such job")

func (s *store) get(id string) (*Video, error) {
	var v *Video
	err := s.db.View(func(tx *bolt.Tx) error {
		data := tx.Bucket(jobsBucket).Get([]byte(id))
		if data == nil {
			return errNotFound
		}
		v = new(Video)
		return json.Unmarshal(data, v)
	})
	return v, err
}

// remove deletes job id's record and returns it (errNotFound when there is none).
func (s *store) remove(id string) (*Video, error) {
	var v *Video
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(jobsBucket)
		data := b.Get([]byte(id))
		if data == nil {
			return errNotFound
		}
		v = new(Video)
		if err := json.Unmarshal(data, v); err != nil {
			return fmt.Errorf("serve: job %s in the database: %w", id, err)
		}
		return b.Delete([]byte(id))
	})
	return v, err
}

// list returns up to limit jobs of owner ("" for everyone's), newest first, starting after the
// job id after ("" for the newest), and whether more follow.
func (s *store) list(after, owner string, limit int) ([]*Video, bool, error) {
	var out []*Video
	more := false
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(jobsBucket).Cursor()
		var k, data []byte
		if after == "" {
			k, data = c.Last()
		} else {
			k, data = c.Seek([]byte(after))
			if k == nil {
				k, data = c.Last()
			}
			for k != nil && string(k) >= after {
				k, data = c.Prev()
			}
		}
		for ; k != nil; k, data = c.Prev() {
			v := new(Video)
			if err := json.Unmarshal(data, v); err != nil {
				return fmt.Errorf("serve: job %s in the database: %w", k, err)
			}
			if owner != "" && v.Owner != owner {
				continue
			}
			if len(out) == limit {
				more = true
				return nil
			}
			out = append(out, v)
		}
		return nil
	})
	return out, more, err
}

// all calls f on every job, oldest first.
func (s *store) all(f func(*Video) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(jobsBucket).ForEach(func(k, data []byte) error {
			v := new(Video)
			if err := json.Unmarshal(data, v); err != nil {
				return fmt.Errorf("serve: job %s in the database: %w", k, err)
			}
			return f(v)
		})
	})
}
