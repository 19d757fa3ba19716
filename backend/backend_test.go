package backend

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeMachine builds a machine layout under a temp folder: optional NVIDIA proc entries, an
// optional JAX CUDA wheel in a site-packages folder, and an optional go-xla plugin folder.
type fakeMachine struct {
	gpus       []string
	jaxWheel   string // "xla_cuda13", or "" for none
	withNvidia bool   // the wheel's sibling nvidia/cuNN folder
	goXLA      bool
	env        map[string]string
}

func (m fakeMachine) build(t *testing.T) (Environment, string) {
	t.Helper()
	root := t.TempDir()
	mk := func(p string) {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	touch := func(p, content string) {
		mk(filepath.Dir(p))
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, model := range m.gpus {
		touch(filepath.Join(root, "proc", "driver", "nvidia", "gpus", "0000:0"+string(rune('0'+i))+":00.0", "information"),
			"Model: \t\t "+model+"\nIRQ:  42\n")
	}
	sp := filepath.Join(root, "py", "site-packages")
	mk(sp)
	if m.jaxWheel != "" {
		touch(filepath.Join(sp, "jax_plugins", m.jaxWheel, "xla_cuda_plugin.so"), "not really a plugin")
		if m.withNvidia {
			mk(filepath.Join(sp, "nvidia", "cu"+strings.TrimPrefix(m.jaxWheel, "xla_cuda")))
		}
	}
	home := filepath.Join(root, "home")
	if m.goXLA {
		touch(filepath.Join(home, ".local", "lib", "go-xla", goXLAPluginName), "plugin")
	}
	mk(filepath.Join(root, "dev"))
	env := Environment{
		Getenv:       func(k string) string { return m.env[k] },
		Home:         home,
		SitePackages: func() []string { return []string{sp} },
		ProcRoot:     filepath.Join(root, "proc"),
		DevRoot:      filepath.Join(root, "dev"),
	}
	return env, sp
}

func TestSelect(t *testing.T) {
	tests := []struct {
		name      string
		machine   fakeMachine
		requested string
		wantName  string
		wantErr   string // substring of the error; "" for success
	}{
		{name: "auto without anything picks go", requested: "auto", wantName: Go},
		{name: "empty request means auto", requested: "", wantName: Go},
		{name: "auto with GPU but no plugin picks go", machine: fakeMachine{gpus: []string{"NVIDIA H100"}}, wantName: Go},
		{name: "auto with plugin but no GPU picks go", machine: fakeMachine{jaxWheel: "xla_cuda13"}, wantName: Go},
		{name: "auto with GPU and JAX wheel picks cuda", machine: fakeMachine{gpus: []string{"NVIDIA H100"}, jaxWheel: "xla_cuda13", withNvidia: true}, wantName: CUDA},
		{name: "auto with GPU and go-xla plugin picks cuda", machine: fakeMachine{gpus: []string{"NVIDIA H100"}, goXLA: true}, wantName: CUDA},
		{name: "WFM_BACKEND is the default", machine: fakeMachine{gpus: []string{"NVIDIA H100"}, goXLA: true, env: map[string]string{EnvBackend: "go"}}, wantName: Go},
		{name: "go on a GPU machine when asked", machine: fakeMachine{gpus: []string{"NVIDIA H100"}, goXLA: true}, requested: "go", wantName: Go},
		{name: "cuda without GPU says so", machine: fakeMachine{jaxWheel: "xla_cuda12"}, requested: "cuda", wantErr: "no NVIDIA device"},
		{name: "cuda without plugin says where it looked", machine: fakeMachine{gpus: []string{"NVIDIA H100"}}, requested: "cuda", wantErr: "jax_plugins/xla_cuda*"},
		{name: "explicit plugin that does not exist", machine: fakeMachine{gpus: []string{"A100"}, goXLA: true, env: map[string]string{EnvPlugin: "/nope/plugin.so"}}, requested: "cuda", wantErr: "WFM_PJRT_PLUGIN=/nope/plugin.so: no such file"},
		{name: "unknown backend", requested: "tpu", wantErr: `unknown backend "tpu"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env, _ := tc.machine.build(t)
			c, err := Select(tc.requested, env)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantName == CUDA && !xlaCompiledIn {
				// A binary built without cgo has no XLA: auto falls back to go and says why.
				if c.Name != Go || !strings.Contains(c.Reason, "without cgo") {
					t.Fatalf("cgo-less build picked %q (%s), want go with the reason", c.Name, c.Reason)
				}
				return
			}
			if c.Name != tc.wantName {
				t.Fatalf("picked %q (%s), want %q", c.Name, c.Reason, tc.wantName)
			}
			if c.Name == CUDA && (c.Plugin == nil || c.Config != "xla:"+c.Plugin.Path) {
				t.Fatalf("cuda choice without consistent plugin config: %+v", c)
			}
			if c.Name == Go && c.Config != GoConfig {
				t.Fatalf("go choice has config %q", c.Config)
			}
		})
	}
}

func TestUnavailableErrorListsEverythingMissing(t *testing.T) {
	env, _ := fakeMachine{}.build(t)
	_, err := Select(CUDA, env)
	var ue *UnavailableError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want *UnavailableError", err)
	}
	want := 2 // the device and the plugin
	if !xlaCompiledIn {
		want++ // and XLA itself
	}
	if len(ue.Missing) != want {
		t.Fatalf("missing = %q, want %d entries", ue.Missing, want)
	}
}

func TestJAXWheelCUDADataDir(t *testing.T) {
	for _, withNvidia := range []bool{true, false} {
		env, sp := fakeMachine{jaxWheel: "xla_cuda13", withNvidia: withNvidia}.build(t)
		found, _ := FindPlugins(env)
		if len(found) != 1 {
			t.Fatalf("found %d plugins, want 1", len(found))
		}
		want := ""
		if withNvidia {
			want = filepath.Join(sp, "nvidia", "cu13")
		}
		if found[0].CUDADataDir != want {
			t.Errorf("withNvidia=%v: data dir %q, want %q", withNvidia, found[0].CUDADataDir, want)
		}
		if found[0].Source != "python site-packages" {
			t.Errorf("source %q", found[0].Source)
		}
	}
}

func TestPluginOrder(t *testing.T) {
	env, sp := fakeMachine{jaxWheel: "xla_cuda12", goXLA: true}.build(t)
	newer := filepath.Join(sp, "jax_plugins", "xla_cuda13", "xla_cuda_plugin.so")
	if err := os.MkdirAll(filepath.Dir(newer), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(newer, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	explicit := filepath.Join(t.TempDir(), "mine.so")
	if err := os.WriteFile(explicit, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env.Getenv = func(k string) string {
		if k == EnvPlugin {
			return explicit
		}
		return ""
	}
	found, _ := FindPlugins(env)
	var sources []string
	for _, p := range found {
		sources = append(sources, filepath.Base(filepath.Dir(p.Path))+"/"+filepath.Base(p.Path))
	}
	got := strings.Join(sources, " ")
	want := filepath.Base(filepath.Dir(explicit)) + "/mine.so go-xla/" + goXLAPluginName + " xla_cuda13/xla_cuda_plugin.so xla_cuda12/xla_cuda_plugin.so"
	if got != want {
		t.Fatalf("order:\n got %s\nwant %s", got, want)
	}
}

func TestFindGPUsReadsModel(t *testing.T) {
	env, _ := fakeMachine{gpus: []string{"NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3"}}.build(t)
	gpus := FindGPUs(env)
	if len(gpus) != 2 || gpus[0].Model != "NVIDIA H100 80GB HBM3" || gpus[1].Index != 1 {
		t.Fatalf("gpus = %+v", gpus)
	}
}

func TestFindGPUsFromDeviceNodes(t *testing.T) {
	env, _ := fakeMachine{}.build(t)
	for _, n := range []string{"nvidia0", "nvidiactl", "nvidia-uvm"} {
		if err := os.WriteFile(filepath.Join(env.DevRoot, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if gpus := FindGPUs(env); len(gpus) != 1 {
		t.Fatalf("gpus = %+v, want exactly nvidia0", gpus)
	}
}

func TestOpenGo(t *testing.T) {
	env, _ := fakeMachine{}.build(t)
	c, err := Select(Go, env)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if b.Name() == "" {
		t.Fatal("backend has no name")
	}
}

func TestOpenBrokenCUDAPluginNamesIt(t *testing.T) {
	if !xlaCompiledIn {
		t.Skip("built without cgo: no XLA backend to hand the plugin to")
	}
	env, sp := fakeMachine{gpus: []string{"H100"}, jaxWheel: "xla_cuda13", withNvidia: true}.build(t)
	c, err := Select(CUDA, env)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XLA_FLAGS", "")
	t.Setenv("GOPJRT_CUDA_CHECKS", "")
	t.Setenv("GOMLX_NO_AUTO_INSTALL", "")
	_, err = c.Open()
	if err == nil {
		t.Fatal("opening a fake plugin succeeded")
	}
	if !strings.Contains(err.Error(), c.Plugin.Path) {
		t.Fatalf("error %q does not name the plugin", err)
	}
	if got := os.Getenv("XLA_FLAGS"); got != "--xla_gpu_cuda_data_dir="+filepath.Join(sp, "nvidia", "cu13") {
		t.Fatalf("XLA_FLAGS = %q", got)
	}
	if os.Getenv("GOMLX_NO_AUTO_INSTALL") != "1" {
		t.Fatal("auto-install not disabled")
	}
}
