//go:build amd64 && goexperiment.simd && go1.27

package defaultpkgs

// Imports only for arch AMD64 SIMD

import (
	_ "github.com/gomlx/compute/internal/gobackend/activations/avx2"
	_ "github.com/gomlx/compute/internal/gobackend/activations/avx512"
	_ "github.com/gomlx/compute/internal/gobackend/avx2"
	_ "github.com/gomlx/compute/internal/gobackend/avx512"
	_ "github.com/gomlx/compute/internal/gobackend/dot/matmul/avx2"
	_ "github.com/gomlx/compute/internal/gobackend/dot/matmul/avx512"
	_ "github.com/gomlx/compute/internal/gobackend/fusedops/avx2"
	_ "github.com/gomlx/compute/internal/gobackend/fusedops/avx512"
	_ "github.com/gomlx/compute/internal/gobackend/ops/avx2"
	_ "github.com/gomlx/compute/internal/gobackend/ops/avx512"
)
