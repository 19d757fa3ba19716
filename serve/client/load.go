package client

import (
	"context"
	"errors"
	"math"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/wfm-platform/wfm/serve"
)

// LoadOptions describe a load test: Clients goroutines submit Jobs jobs between them, each
// waiting for its job to finish before submitting the next.
type LoadOptions struct {
	Clients, Jobs int
	// Params are the parameters of job i.
	Params func(i int) serve.VideoParams
	// OnFinished, when set, is called (from any client goroutine) with the number of jobs
	// finished so far; `wfm bench serve --kill-after` kills the server from it.
	OnFinished func(finished int)
}

// LoadReport is what a load test measured. Latency is from the first submission attempt to the
// job's end as the client saw it, for completed jobs.
type LoadReport struct {
	Clients  int `json:"clients"`
	Jobs     int `json:"jobs"`
	Accepted int `json:"accepted"`
	// Refused counts jobs the server refused for good (4xx other than 429), by error code.
	Refused   map[string]int `json:"refused,omitempty"`
	Completed int            `json:"completed"`
	// Failed counts accepted jobs that ended failed or cancelled, by error code.
	Failed map[string]int `json:"failed,omitempty"`
	// Lost counts accepted jobs the client never saw finish; Duplicated ids acknowledged twice.
	Lost       int `json:"lost"`
	Duplicated int `json:"duplicated"`
	// Retries counts 429 answers (queue full or rate limited) and connection failures retried.
	Retries int `json:"retries"`
	// Listed is the number of jobs the server lists afterwards; Unacknowledged those of them
	// no client got a 202 for (a response lost to a server kill: such a job still runs).
	Listed          int     `json:"listed"`
	Unacknowledged  int     `json:"unacknowledged"`
	Seconds         float64 `json:"seconds"`
	VideosPerMinute float64 `json:"videos_per_minute"`
	P50Seconds      float64 `json:"p50_seconds"`
	P99Seconds      float64 `json:"p99_seconds"`
	MeanSeconds     float64 `json:"mean_seconds"`
}

// Load runs the load test against c. Submissions answered 429 wait for Retry-After; a server
// that does not answer (restarting) is retried until ctx is done.
func Load(ctx context.Context, c *Client, o LoadOptions) (LoadReport, error) {
	rep := LoadReport{Clients: o.Clients, Jobs: o.Jobs, Refused: map[string]int{}, Failed: map[string]int{}}
	var (
		mu        sync.Mutex
		latencies []float64
		ids       = map[string]int{}
		finished  int
	)
	next := make(chan int, o.Jobs)
	for i := range o.Jobs {
		next <- i
	}
	close(next)
	start := time.Now()
	var wg sync.WaitGroup
	for range max(o.Clients, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				v, retries, err := submit(ctx, c, o.Params(i))
				mu.Lock()
				rep.Retries += retries
				if err != nil {
					code := "transport"
					var e *Error
					if errors.As(err, &e) {
						code = e.Code
					}
					rep.Refused[code]++
					mu.Unlock()
					continue
				}
				rep.Accepted++
				ids[v.ID]++
				mu.Unlock()
				done, err := c.Wait(ctx, v.ID, 200*time.Millisecond)
				mu.Lock()
				switch {
				case err != nil || done == nil:
					// counted as lost below
				case done.Status == serve.StatusCompleted:
					rep.Completed++
					latencies = append(latencies, time.Since(t0).Seconds())
				default:
					code := done.Status
					if done.Error != nil {
						code = done.Error.Code
					}
					rep.Failed[code]++
				}
				finished++
				n := finished
				mu.Unlock()
				if o.OnFinished != nil {
					o.OnFinished(n)
				}
			}
		}()
	}
	wg.Wait()
	rep.Seconds = time.Since(start).Seconds()
	for _, n := range ids {
		if n > 1 {
			rep.Duplicated += n - 1
		}
	}
	ended := rep.Completed
	for _, n := range rep.Failed {
		ended += n
	}
	rep.Lost = rep.Accepted - ended
	if rep.Seconds > 0 {
		rep.VideosPerMinute = float64(rep.Completed) / rep.Seconds * 60
	}
	sort.Float64s(latencies)
	rep.P50Seconds, rep.P99Seconds = quantile(latencies, 0.5), quantile(latencies, 0.99)
	for _, l := range latencies {
		rep.MeanSeconds += l / float64(len(latencies))
	}
	after := ""
	for {
		page, err := c.Videos(ctx, after, 100)
		if err != nil {
			return rep, err
		}
		for _, v := range page.Data {
			rep.Listed++
			if ids[v.ID] == 0 {
				rep.Unacknowledged++
			}
		}
		if !page.HasMore {
			break
		}
		after = page.LastID
	}
	return rep, ctx.Err()
}

// submit posts a job, waiting out 429s and retrying while the server does not answer.
func submit(ctx context.Context, c *Client, p serve.VideoParams) (*serve.Video, int, error) {
	retries := 0
	for {
		v, err := c.CreateVideo(ctx, p, nil)
		if err == nil {
			return v, retries, nil
		}
		wait := 200 * time.Millisecond
		var e *Error
		switch {
		case ctx.Err() != nil:
			return nil, retries, ctx.Err()
		case errors.As(err, &e) && e.Status == http.StatusTooManyRequests:
			// Retry-After is a whole number of seconds; a worker frees a slot sooner.
			wait = min(max(e.RetryAfter/4, 50*time.Millisecond), time.Second)
		case errors.As(err, &e) && e.Status != http.StatusServiceUnavailable:
			return nil, retries, err
		}
		retries++
		select {
		case <-ctx.Done():
			return nil, retries, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// quantile is the q-quantile of sorted values (nearest rank), or 0 for none.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
