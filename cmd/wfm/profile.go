package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// cpuProfile is the file of a running --cpuprofile, nil when none runs.
var cpuProfile *os.File

// startCPUProfile starts the Go CPU profile of --cpuprofile (nothing when path is empty). The
// pure-Go backend runs its kernels in Go, so the profile shows which graph ops cost the time.
func startCPUProfile(path string) error {
	if path == "" || cpuProfile != nil {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return fmt.Errorf("--cpuprofile %s: %w", path, err)
	}
	cpuProfile = f
	return nil
}

// stopCPUProfile ends a running --cpuprofile and closes its file.
func stopCPUProfile() error {
	if cpuProfile == nil {
		return nil
	}
	pprof.StopCPUProfile()
	err := cpuProfile.Close()
	cpuProfile = nil
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	return nil
}
