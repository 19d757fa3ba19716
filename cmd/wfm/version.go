package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/wfm-platform/wfm/backend"
)

// version is set at link time (-ldflags "-X main.version=v1.2.3"); otherwise the module version.
var version = ""

type versionInfo struct {
	Version string `json:"version"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
	SIMD    bool   `json:"simd"`
	// Versions of the compute stack modules linked in.
	GoMLX   string `json:"gomlx,omitempty"`
	Compute string `json:"compute,omitempty"`
	GoXLA   string `json:"go_xla,omitempty"`
}

func currentVersion() versionInfo {
	v := versionInfo{Version: version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, SIMD: backend.SIMD}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v.Version == "" {
			v.Version = bi.Main.Version
		}
		for _, dep := range bi.Deps {
			switch dep.Path {
			case "github.com/gomlx/gomlx":
				v.GoMLX = dep.Version + forkSuffix(dep)
			case "github.com/gomlx/compute":
				v.Compute = dep.Version + forkSuffix(dep)
			case "github.com/gomlx/go-xla":
				v.GoXLA = dep.Version
			}
		}
	}
	if v.Version == "" || v.Version == "(devel)" {
		v.Version = "devel"
	}
	return v
}

// forkSuffix is "+wfm" for a module replaced by a local folder (the patched copies in
// third_party/), "" otherwise.
func forkSuffix(dep *debug.Module) string {
	if dep.Replace != nil && (dep.Replace.Version == "" || dep.Replace.Version == "(devel)") {
		return "+wfm"
	}
	return ""
}

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the version of wfm and of what it was built with",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := currentVersion()
			return printResult(cmd.OutOrStdout(), v, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "wfm %s (%s %s/%s, simd %s; gomlx %s, compute %s, go-xla %s)\n",
					v.Version, v.Go, v.OS, v.Arch, onOff(v.SIMD), orNone(v.GoMLX), orNone(v.Compute), orNone(v.GoXLA))
				return err
			})
		},
	})
}
