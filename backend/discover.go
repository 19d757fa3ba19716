package backend

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// Plugin is a PJRT CUDA plugin found on disk.
type Plugin struct {
	Path string `json:"path"`
	// Source says where it was found: "WFM_PJRT_PLUGIN", "go-xla folder" or "python site-packages".
	Source string `json:"source"`
	// CUDADataDir is the folder of CUDA libraries to hand XLA (--xla_gpu_cuda_data_dir), empty
	// when the plugin finds its libraries itself.
	CUDADataDir string `json:"cuda_data_dir,omitempty"`
}

// GPU is an NVIDIA device seen by the kernel driver.
type GPU struct {
	Index int    `json:"index"`
	Model string `json:"model"`
}

// Environment is what discovery reads from the machine. Tests replace it; [System] reads the
// real one.
type Environment struct {
	Getenv func(string) string
	// Home is the user's home folder ("" when unknown).
	Home string
	// SitePackages lists the Python site-packages folders to search.
	SitePackages func() []string
	// ProcRoot is the root of the proc filesystem ("/proc").
	ProcRoot string
	// DevRoot is where device nodes live ("/dev").
	DevRoot string
}

// System returns the Environment of this machine.
func System() Environment {
	home, _ := os.UserHomeDir()
	return Environment{
		Getenv:       os.Getenv,
		Home:         home,
		SitePackages: pythonSitePackages,
		ProcRoot:     "/proc",
		DevRoot:      "/dev",
	}
}

// EnvPlugin names the environment variable holding an explicit plugin path.
const EnvPlugin = "WFM_PJRT_PLUGIN"

// EnvBackend names the environment variable holding the default backend choice.
const EnvBackend = "WFM_BACKEND"

// goXLAPluginName is the file name go-xla's installer gives the CUDA plugin.
const goXLAPluginName = "pjrt_c_api_cuda_plugin.so"

// FindPlugins returns every CUDA plugin found, in order of preference, and the places searched.
// An explicit WFM_PJRT_PLUGIN that does not exist is reported in the searched list with a note
// rather than silently skipped.
func FindPlugins(env Environment) (found []Plugin, searched []string) {
	if p := env.Getenv(EnvPlugin); p != "" {
		if isFile(p) {
			found = append(found, Plugin{Path: p, Source: EnvPlugin, CUDADataDir: cudaDataDirFor(p)})
		}
		searched = append(searched, EnvPlugin+"="+p)
	}
	for _, dir := range goXLAFolders(env) {
		searched = append(searched, dir)
		p := filepath.Join(dir, goXLAPluginName)
		if isFile(p) {
			found = append(found, Plugin{Path: p, Source: "go-xla folder"})
		}
	}
	if env.SitePackages != nil {
		for _, sp := range env.SitePackages() {
			searched = append(searched, filepath.Join(sp, "jax_plugins", "xla_cuda*"))
			matches, _ := filepath.Glob(filepath.Join(sp, "jax_plugins", "xla_cuda*", "xla_cuda_plugin.so"))
			// Newest CUDA major first: xla_cuda13 before xla_cuda12.
			sort.Sort(sort.Reverse(sort.StringSlice(matches)))
			for _, p := range matches {
				found = append(found, Plugin{Path: p, Source: "python site-packages", CUDADataDir: cudaDataDirFor(p)})
			}
		}
	}
	return found, searched
}

// goXLAFolders lists go-xla's plugin folders: PJRT_PLUGIN_LIBRARY_PATH when set, else its defaults.
func goXLAFolders(env Environment) []string {
	if v := env.Getenv("PJRT_PLUGIN_LIBRARY_PATH"); v != "" {
		return slices.DeleteFunc(strings.Split(v, ":"), func(s string) bool { return s == "" })
	}
	var dirs []string
	if env.Home != "" {
		base := filepath.Join(env.Home, ".local", "lib", "go-xla")
		dirs = append(dirs, base, filepath.Join(base, "nvidia"))
	}
	return append(dirs, "/usr/local/lib/go-xla", "/usr/local/lib/go-xla/nvidia")
}

// cudaDataDirFor finds the CUDA libraries of a JAX wheel plugin at
// <site-packages>/jax_plugins/xla_cudaNN/xla_cuda_plugin.so: the sibling <site-packages>/nvidia
// folder, or its cuNN sub-folder where the wheel splits libraries by CUDA major version.
func cudaDataDirFor(pluginPath string) string {
	pluginDir := filepath.Dir(pluginPath)
	sitePackages := filepath.Dir(filepath.Dir(pluginDir))
	nvidia := filepath.Join(sitePackages, "nvidia")
	if !isDir(nvidia) {
		return ""
	}
	if major, ok := strings.CutPrefix(filepath.Base(pluginDir), "xla_cuda"); ok && major != "" {
		if sub := filepath.Join(nvidia, "cu"+major); isDir(sub) {
			return sub
		}
	}
	return nvidia
}

// FindGPUs lists the NVIDIA devices the kernel driver reports, from /proc/driver/nvidia/gpus, or
// from /dev/nvidiaN nodes when the proc files are absent (containers).
func FindGPUs(env Environment) []GPU {
	var gpus []GPU
	infos, _ := filepath.Glob(filepath.Join(env.ProcRoot, "driver", "nvidia", "gpus", "*", "information"))
	sort.Strings(infos)
	for i, info := range infos {
		g := GPU{Index: i, Model: "NVIDIA GPU"}
		if data, err := os.ReadFile(info); err == nil {
			sc := bufio.NewScanner(bytes.NewReader(data))
			for sc.Scan() {
				if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "Model" {
					g.Model = strings.TrimSpace(v)
				}
			}
		}
		gpus = append(gpus, g)
	}
	if len(gpus) > 0 {
		return gpus
	}
	nodes, _ := filepath.Glob(filepath.Join(env.DevRoot, "nvidia[0-9]*"))
	sort.Strings(nodes)
	for i := range nodes {
		gpus = append(gpus, GPU{Index: i, Model: "NVIDIA GPU (model unknown: no /proc/driver/nvidia)"})
	}
	return gpus
}

// pythonSitePackages asks every python3 on PATH for its site-packages folders, and adds the
// usual folders of virtual and conda environments. A python that does not answer within a few
// seconds is skipped.
func pythonSitePackages() []string {
	var dirs []string
	if py, err := exec.LookPath("python3"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, py, "-c",
			"import site,sys\nfor p in site.getsitepackages()+[site.getusersitepackages()]+sys.path: print(p)").Output()
		if err == nil {
			for line := range strings.SplitSeq(string(out), "\n") {
				if line = strings.TrimSpace(line); strings.HasSuffix(line, "-packages") {
					dirs = append(dirs, line)
				}
			}
		}
	}
	for _, prefix := range []string{os.Getenv("VIRTUAL_ENV"), os.Getenv("CONDA_PREFIX")} {
		if prefix == "" {
			continue
		}
		m, _ := filepath.Glob(filepath.Join(prefix, "lib", "python3*", "site-packages"))
		dirs = append(dirs, m...)
	}
	for _, pattern := range []string{"/usr/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages",
		"/usr/local/lib/python3*/site-packages", "/usr/lib/python3/dist-packages"} {
		m, _ := filepath.Glob(pattern)
		dirs = append(dirs, m...)
	}
	var uniq []string
	seen := map[string]bool{}
	for _, d := range dirs {
		if c := filepath.Clean(d); !seen[c] && isDir(c) {
			seen[c] = true
			uniq = append(uniq, c)
		}
	}
	return uniq
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
