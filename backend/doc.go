// Package backend picks and describes the compute backend every model runs on.
//
// Two backends exist:
//
//   - "go": GoMLX's pure-Go backend (github.com/gomlx/compute/gobackend). It runs everywhere and is
//     fast on CPU only when the binary is built with GOEXPERIMENT=simd (AVX2/AVX-512 matmul kernels);
//     [SIMD] reports how this binary was built.
//   - "cuda": XLA through a PJRT CUDA plugin (github.com/gomlx/go-xla). The plugin is a shared
//     library found on disk; nothing is ever downloaded at run time. XLA needs cgo: a binary
//     built without a C compiler has the Go backend only and says so when asked for cuda.
//
// Selection ([Select], [Open]) takes "auto", "go" or "cuda"; the empty string means the WFM_BACKEND
// environment variable, and then "auto". "auto" picks CUDA when an NVIDIA device and a CUDA plugin
// are both present, and the Go backend otherwise. When "cuda" is asked for and cannot start, the
// error lists what was looked for and what was missing.
//
// Plugin discovery ([FindPlugins]) looks, in order, at:
//  1. WFM_PJRT_PLUGIN: an explicit path to a plugin .so file;
//  2. go-xla's standard folders: PJRT_PLUGIN_LIBRARY_PATH when set, else ~/.local/lib/go-xla,
//     /usr/local/lib/go-xla (and their nvidia/ sub-folders), for pjrt_c_api_cuda_plugin.so;
//  3. every Python site-packages folder that holds a JAX CUDA wheel,
//     jax_plugins/xla_cuda*/xla_cuda_plugin.so; the CUDA libraries of such a wheel live in the
//     sibling nvidia/ folder (nvidia/cu13 for the CUDA 13 wheels), which is passed to XLA with
//     --xla_gpu_cuda_data_dir.
//
// GoMLX's own default backend tries to download a CPU plugin at start; this package never uses it and
// sets GOMLX_NO_AUTO_INSTALL=1 before opening XLA.
package backend
