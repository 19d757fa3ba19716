//go:build !unix

package curate

import "time"

// threadCPU is not measured on this platform; throughput per CPU second is then reported as 0.
func threadCPU() time.Duration { return 0 }

func processCPU() (self, children time.Duration) { return 0, 0 }
