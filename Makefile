# Every Go command here runs with GOEXPERIMENT=simd: without it the pure-Go backend's matmul
# kernels are scalar and about 7x slower.
export GOEXPERIMENT := simd
# go.mod needs go 1.27 (go-xla v0.4.34); the module proxy serves this toolchain.
export GOTOOLCHAIN := go1.27.3
GO ?= go

.PHONY: build test short vet fmt bench fuzz ci

build:
	$(GO) build -o wfm ./cmd/wfm

test:
	$(GO) test ./...

short:
	$(GO) test -short ./...

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go' ':!third_party')

# Codec and training-step benchmarks (numbers go to docs/BENCHMARKS.md).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./video/ ./bench/ ./nn/ ./dataset/ ./world/render/ ./world/scene3d/

# A short run of every fuzz target (FUZZTIME each).
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

ci:
	bash .ci/run
