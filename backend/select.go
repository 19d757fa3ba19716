package backend

import (
	"fmt"
	"os"
	"strings"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // registers "go"
)

// Names of the choices accepted by Select.
const (
	Auto = "auto"
	Go   = "go"
	CUDA = "cuda"
)

// GoConfig is the configuration wfm starts the pure-Go backend with: compute's default, which
// runs independent ops of a graph concurrently while only one execution is live (and one after
// another when several are), each op spreading its work over the physical cores. compute v0.1.6
// could deadlock that way (pool workers waiting in Saturate for a free worker while holding one),
// so wfm ran "go:ops_sequential" until compute's hierarchical scheduler (v0.1.2x) removed the
// cause; TestConcurrentSchedulingSoak guards it. Measured on the bench-10m step (2-core AMD EPYC,
// 2026-12-07): 0.275 s concurrent, 0.355 s sequential, 0.305 s forced ops_parallel.
const GoConfig = "go"

// NewGo starts the pure-Go backend with [GoConfig]. Tests and tools that need the Go backend
// explicitly use it rather than gobackend.New, which would pick the deadlock-prone default.
func NewGo() (compute.Backend, error) {
	b, err := compute.NewWithConfig(GoConfig)
	if err != nil {
		return nil, fmt.Errorf("backend: start go: %w", err)
	}
	return b, nil
}

// Choice is the outcome of backend selection: what was asked, what will run and why.
type Choice struct {
	Requested string `json:"requested"`
	Name      string `json:"name"` // "go" or "cuda"
	// Config is the GoMLX backend configuration string ([GoConfig], or "xla:<plugin path>").
	Config   string   `json:"config"`
	Reason   string   `json:"reason"`
	Plugin   *Plugin  `json:"plugin,omitempty"`
	Plugins  []Plugin `json:"plugins_found"`
	Searched []string `json:"plugin_search"`
	GPUs     []GPU    `json:"gpus"`
	SIMD     bool     `json:"simd"`
}

// UnavailableError says why the CUDA backend cannot start, listing what was missing.
type UnavailableError struct {
	Missing []string
}

func (e *UnavailableError) Error() string {
	return "backend: cuda unavailable: " + strings.Join(e.Missing, "; ")
}

// Select resolves a backend request ("auto", "go", "cuda"; "" means $WFM_BACKEND, then "auto")
// against the machine described by env. It opens nothing.
func Select(requested string, env Environment) (Choice, error) {
	if requested == "" {
		requested = env.Getenv(EnvBackend)
	}
	if requested == "" {
		requested = Auto
	}
	requested = strings.ToLower(strings.TrimSpace(requested))
	c := Choice{Requested: requested, SIMD: SIMD, GPUs: FindGPUs(env)}
	c.Plugins, c.Searched = FindPlugins(env)
	if c.GPUs == nil {
		c.GPUs = []GPU{}
	}
	if c.Plugins == nil {
		c.Plugins = []Plugin{}
	}

	var missing []string
	if !xlaCompiledIn {
		missing = append(missing, "this binary was built without cgo (no C compiler, or CGO_ENABLED=0), so it has no XLA backend")
	}
	if len(c.GPUs) == 0 {
		missing = append(missing, "no NVIDIA device (no /proc/driver/nvidia/gpus/*, no /dev/nvidia0)")
	}
	if len(c.Plugins) == 0 {
		missing = append(missing, fmt.Sprintf("no PJRT CUDA plugin (set %s to a xla_cuda_plugin.so; searched %s)",
			EnvPlugin, strings.Join(c.Searched, ", ")))
	}
	if p := env.Getenv(EnvPlugin); p != "" && !isFile(p) {
		missing = append(missing, fmt.Sprintf("%s=%s: no such file", EnvPlugin, p))
	}

	switch requested {
	case Go:
		c.Name, c.Config, c.Reason = Go, GoConfig, "asked for"
	case CUDA:
		if len(missing) > 0 {
			return c, &UnavailableError{Missing: missing}
		}
		c.useCUDA("asked for")
	case Auto:
		if len(missing) == 0 {
			c.useCUDA("auto: NVIDIA device and CUDA plugin found")
		} else {
			c.Name, c.Config = Go, GoConfig
			c.Reason = "auto: " + strings.Join(missing, "; ")
		}
	default:
		return c, fmt.Errorf("backend: unknown backend %q (want auto, go or cuda)", requested)
	}
	return c, nil
}

func (c *Choice) useCUDA(reason string) {
	p := c.Plugins[0]
	c.Name, c.Plugin, c.Reason = CUDA, &p, reason
	c.Config = "xla:" + p.Path
}

// Open selects a backend on this machine and starts it.
func Open(requested string) (compute.Backend, Choice, error) {
	c, err := Select(requested, System())
	if err != nil {
		return nil, c, err
	}
	b, err := c.Open()
	return b, c, err
}

// Open starts the chosen backend. For CUDA it first sets the process environment XLA needs: no
// auto-install, the CUDA data folder of a JAX wheel, and no driver check by go-xla (which expects
// its own folder layout; the plugin itself reports a missing driver).
func (c Choice) Open() (compute.Backend, error) {
	if c.Name == CUDA && c.Plugin != nil {
		_ = os.Setenv("GOMLX_NO_AUTO_INSTALL", "1")
		if c.Plugin.CUDADataDir != "" {
			_ = os.Setenv("GOPJRT_CUDA_CHECKS", "0")
			flags := os.Getenv("XLA_FLAGS")
			if !strings.Contains(flags, "--xla_gpu_cuda_data_dir") {
				_ = os.Setenv("XLA_FLAGS", strings.TrimSpace(flags+" --xla_gpu_cuda_data_dir="+c.Plugin.CUDADataDir))
			}
		}
	}
	b, err := compute.NewWithConfig(c.Config)
	if err != nil {
		if c.Name == CUDA {
			return nil, fmt.Errorf("backend: start cuda with plugin %s (CUDA data dir %q): %w",
				c.Plugin.Path, c.Plugin.CUDADataDir, err)
		}
		return nil, fmt.Errorf("backend: start %s: %w", c.Name, err)
	}
	return b, nil
}
