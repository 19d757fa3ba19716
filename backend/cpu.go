package backend

import (
	"bufio"
	"os"
	"runtime"
	"strings"
)

// CPUModel is the processor's model name from /proc/cpuinfo (e.g. "AMD EPYC"), or GOARCH where
// that file is missing: what benchmark tables name beside every figure.
func CPUModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
