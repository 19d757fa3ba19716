package video

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// forFrames calls fn(worker, t) for every frame t in [0, n) from up to GOMAXPROCS goroutines.
// worker (0 <= worker < the number of goroutines) lets fn keep per-goroutine scratch space.
// After a failure no new frames are started; the error of the lowest failing frame is
// returned, so the result does not depend on scheduling.
func forFrames(n int, fn func(worker, t int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	errs := make([]error, n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for !failed.Load() {
				t := int(next.Add(1) - 1)
				if t >= n {
					return
				}
				if errs[t] = fn(w, t); errs[t] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// workerCount is the number of distinct worker values forFrames passes for n frames.
func workerCount(n int) int { return min(runtime.GOMAXPROCS(0), n) }
