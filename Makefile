# repro — build, test, benchmark and figure targets. `make help` lists them.
CXX      ?= g++
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++17 -Wall -Wextra -pthread -MMD -MP
ifeq ($(NATIVE),1)
CXXFLAGS += -march=native
endif
LDLIBS   = -lopenblas -lz -lpthread -lm
# A plain `make` builds ./repro (the design card's `make && ./repro fig2`), on every core unless -j is given.
.DEFAULT_GOAL := all
# The check of the build dependencies every compile waits for (its rule is below the pattern rules).
DEPS_STAMP = build/deps.ok
ifeq (,$(filter -j%,$(MAKEFLAGS)))
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC  = $(wildcard nn/*.cpp ising/*.cpp diffusion/*.cpp data/*.cpp method/*.cpp runner/*.cpp report/*.cpp figures/*.cpp cli/*.cpp)
LIB_OBJ  = $(LIB_SRC:%.cpp=build/%.o) build/retina_embed.o
TEST_SRC = $(wildcard tests/test_*.cpp)
# reference/ (issue 29): the paper's method as plain loops, which the tests hold the fast code to; linked into the
# test binary only, never into ./repro.
REF_SRC  = $(wildcard reference/*.cpp)
REF_OBJ  = $(REF_SRC:%.cpp=build/%.o)
TEST_OBJ = $(TEST_SRC:%.cpp=build/%.o) build/tests/catch_main.o $(REF_OBJ)
# The PyTorch dump (tests/data/torch_dump.bin, committed) is found by its absolute path, wherever the tests run.
build/tests/test_torch_dump.o: CXXFLAGS += -DTORCH_DUMP_PATH='"$(abspath tests/data/torch_dump.bin)"'
# The MAT-file parser and the text formats are also tested under AddressSanitizer/UBSan (tests/asan_*.cpp).
ASAN_SRC = $(wildcard tests/asan_*.cpp) $(wildcard data/*.cpp)
ASAN_OBJ = $(ASAN_SRC:%.cpp=build/asan/%.o) build/asan/tests/catch_main.o build/retina_embed.o

# The retina recording (committed; data/retina/README.md) is embedded into the binary. The build checks its sha256
# once (the stamp below) so that an altered or truncated copy stops the build instead of giving other numbers.
RETINA_MAT    = data/retina/bint_fishmovie32_100.mat
RETINA_SHA256 = 50fa85a05950b76033809c8468f70c91fcd0c76d04587a685c1b76085f7f4dae
RETINA_STAMP  = build/retina_sha256.ok

# The git commit goes into `repro --version`, run_info.csv and parameter files. build/version.txt changes only when
# the commit does, so only data/version.o is rebuilt; outside git the version says "unknown".
GIT_HEAD   := $(shell git rev-parse --short=12 HEAD 2>/dev/null)
GIT_COMMIT := $(if $(GIT_HEAD),$(GIT_HEAD)$(shell git diff --quiet HEAD -- 2>/dev/null || echo -dirty),unknown)
VERSION_STAMP := $(shell mkdir -p build && (echo '$(GIT_COMMIT)' | cmp -s - build/version.txt || echo '$(GIT_COMMIT)' > build/version.txt))
build/data/version.o: build/version.txt
build/data/version.o: CXXFLAGS += -DREPRO_GIT_COMMIT='"$(GIT_COMMIT)"'

.PHONY: all test bench bench-quality deps clean help install fig2 fig3 fig4 fig5 fig6 torch-dump
all: repro

repro: build/main.o $(LIB_OBJ)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LDLIBS)

build/%.o: %.cpp | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c -o $@ $<

# Before the first compile: are the headers and libraries there? Without them the compiler's first error would be a
# missing cblas.h; this says what to run instead.
$(DEPS_STAMP):
	@mkdir -p build
	@for h in cblas.h zlib.h; do printf '#include <%s>\nint main(){}\n' $$h | $(CXX) -x c++ -o /dev/null - $(LDLIBS) 2>/dev/null || { \
	  echo "error: $$h or its library (-lopenblas -lz) is missing: 'make deps' installs what the build needs" >&2; exit 1; }; done
	@touch $@

# The element-wise loops (GELU, Adam, bias sums, the sampler's update, the RBM's logistic, the VAE's tanh, the Ising
# field updates) are written once, as the formula; the compiler vectorises them. At -O2 GCC 12 vectorises only loops
# whose trip count is a known multiple of the vector width (its "very cheap" cost model), so these files are compiled
# with -O3 (the dynamic cost model: a vector loop plus a scalar remainder).
# -fno-math-errno lets Adam's std::sqrt become a vector instruction, and -fno-trapping-math lets GCC compute both arms of
# `x < 0 ? a : b` (GELU's Φ) as a vector select on SSE2; neither changes a computed value. `make VECTOR_REPORT=1`
# prints which loops were vectorised (-fopt-info-vec-optimized).
VECTORISED_OBJ = build/nn/adam.o build/nn/gelu.o build/nn/linear.o build/nn/rbm.o build/nn/vae.o \
                 build/diffusion/train.o build/diffusion/sample.o build/ising/erasure.o build/ising/metropolis.o
$(VECTORISED_OBJ): CXXFLAGS += -O3 -fno-math-errno -fno-trapping-math
ifeq ($(VECTOR_REPORT),1)
$(VECTORISED_OBJ): CXXFLAGS += -fopt-info-vec-optimized
endif

build/asan/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -O1 $(SANITIZE) -c -o $@ $<

# GCC 12 warns (maybe-uninitialized) inside libstdc++'s <regex>, which Catch2's main uses, when it is compiled with
# -O1 and the sanitizers: a false positive in a system header, silenced for that one object.
build/asan/tests/catch_main.o: CXXFLAGS += -Wno-maybe-uninitialized

build/retina_embed.o: data/retina_embed.S $(RETINA_STAMP) Makefile
	@mkdir -p build
	$(CXX) -c -o $@ $< -DRETINA_MAT_PATH='"$(abspath $(RETINA_MAT))"'

$(RETINA_STAMP): $(RETINA_MAT)
	@mkdir -p build
	@echo "$(RETINA_SHA256)  $(RETINA_MAT)" | sha256sum --check --status || { \
	  echo "error: $(RETINA_MAT) does not have the sha256 of the published recording" >&2; \
	  echo "  expected $(RETINA_SHA256)" >&2; \
	  echo "  got      $$(sha256sum $(RETINA_MAT) | cut -d' ' -f1)" >&2; \
	  echo "  it was altered or truncated: restore it with 'git checkout -- $(RETINA_MAT)' (data/retina/README.md)" >&2; \
	  exit 1; }
	@touch $@

# Without this rule a missing recording would stop make with "No rule to make target".
$(RETINA_MAT):
	@echo "error: $@ is missing; it is part of the repository: 'git checkout -- $@' (data/retina/README.md)" >&2
	@exit 1

build/run_tests: $(TEST_OBJ) $(LIB_OBJ)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LDLIBS)

build/run_tests_asan: $(ASAN_OBJ)
	$(CXX) $(CXXFLAGS) $(SANITIZE) -o $@ $^ $(LDLIBS)

# `make test`: installs missing packages, builds, runs the Catch2 suite and the sanitizer suite.
# TEST_ARGS passes Catch2 arguments, e.g. make test TEST_ARGS='[ising]'.
test: deps build/run_tests build/run_tests_asan repro
	@sh tests/run_tests.sh $(TEST_ARGS)

build/bench: tests/bench.cpp tests/bench_clock.h $(LIB_OBJ)
	$(CXX) $(CXXFLAGS) -o $@ $(filter %.cpp %.o,$^) $(LDLIBS)

build/bench_plm: tests/bench_plm.cpp tests/bench_clock.h $(LIB_OBJ)
	$(CXX) $(CXXFLAGS) -o $@ $(filter %.cpp %.o,$^) $(LDLIBS)

build/bench_quality: tests/bench_quality.cpp tests/bench_clock.h $(LIB_OBJ)
	$(CXX) $(CXXFLAGS) -o $@ $(filter %.cpp %.o,$^) $(LDLIBS)

bench: deps build/bench build/bench_plm
	./build/bench
	./build/bench_plm

# `make bench-quality`: the time-to-quality table of docs/time-to-quality.md (issue 17): each recipe trained on one core, generated
# samples compared with the true model's moments at the listed iterations. About 40 CPU minutes in all.
QUALITY_RUNS = "--n 40 --recipe paper --at 2000,4000,8000,16000,32000" \
               "--n 40 --recipe fast --at 1000,2000,3000,4000,6000,8000,16000,32000" \
               "--n 40 --recipe fast --lr-final 1e-5 --at 1000,2000,3000,4000,6000,8000,16000,24000 --label fast-final1e-5" \
               "--n 40 --recipe fast --batch 128 --warmup 2000 --horizon 16000 --at 4000,8000,16000 --label fast-b128" \
               "--n 40 --recipe fast --batch 512 --warmup 500 --horizon 4000 --at 2000,4000 --label fast-b512" \
               "--n 40 --recipe fast --batch 1024 --warmup 250 --horizon 2000 --at 1000,2000 --label fast-b1024" \
               "--n 40 --ema 0.999 --at 2000,4000,8000 --label ema0.999" \
               "--n 40 --lr 1e-3 --warmup 1000 --horizon 8000 --lr-final 1e-5 --at 2000,4000,8000 --label lr1e-3cos" \
               "--n 40 --recipe fast --importance 1 --at 2000,4000,8000 --label fast+importance" \
               "--n 10 --recipe paper --at 2000,4000,8000,16000 --label paper" \
               "--n 10 --recipe fast --at 1000,2000,4000,8000"
bench-quality: deps build/bench_quality
	@for run in $(QUALITY_RUNS); do nice ./build/bench_quality $$run --threads 1 || exit 1; done

# `make torch-dump`: regenerates tests/data/torch_dump.bin, the PyTorch forward/backward/Adam/DDPM values that
# tests/test_torch_dump.cpp checks the fast code and reference/ against (format in tests/torch_dump.py). Needs
# PyTorch (Debian: apt-get install python3-torch python3-numpy), a development tool only: the tests read the
# committed file and need no PyTorch.
TORCH_PYTHON ?= /usr/bin/python3
torch-dump:
	$(TORCH_PYTHON) tests/torch_dump.py tests/data/torch_dump.bin

fig2 fig3 fig4 fig5 fig6: deps repro
	./repro $@

# Installs the Debian/Ubuntu packages that are missing (only those), with sudo when not root. Elsewhere (no dpkg) it
# checks for the tools and headers themselves: it says what is missing (with the package names of common systems)
# and stops, or lets make go on when everything is there.
# parallel (GNU parallel) runs the test of the cluster path (tests/test_cluster_parallel.cpp).
DEB_PACKAGES = g++ make libopenblas-dev catch2 zlib1g-dev gnuplot-nox parallel
deps:
	@if ! command -v dpkg >/dev/null 2>&1; then \
	  missing=""; \
	  command -v $(CXX) >/dev/null 2>&1 || missing="$$missing a C++17 compiler ($(CXX))"; \
	  for h in cblas.h zlib.h catch2/catch.hpp; do \
	    printf '#include <%s>\n' $$h | $(CXX) -std=c++17 -fsyntax-only -x c++ - >/dev/null 2>&1 || missing="$$missing $$h"; \
	  done; \
	  command -v gnuplot >/dev/null 2>&1 || echo "make deps: gnuplot not found: the figures' PNGs will be skipped (CSV and .gp are still written)" >&2; \
	  parallel --version 2>/dev/null | grep -q 'GNU parallel' || echo "make deps: GNU parallel not found: the test of the cluster path will be skipped" >&2; \
	  if [ -n "$$missing" ]; then \
	    echo "make deps: missing:$$missing" >&2; \
	    echo "  install OpenBLAS, zlib and Catch2 v2 headers, e.g. Fedora: dnf install gcc-c++ make openblas-devel zlib-devel catch2-devel gnuplot;" >&2; \
	    echo "  macOS: brew install openblas zlib catch2@2 gnuplot (then make CXXFLAGS=-I... LDFLAGS=-L...)" >&2; \
	    exit 1; \
	  fi; \
	  exit 0; \
	fi; \
	missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  command -v apt-get >/dev/null || { echo "make deps: please install:$$missing" >&2; exit 1; }; \
	  sudo=""; [ "$$(id -u)" -ne 0 ] && sudo=sudo; \
	  echo "make deps: installing$$missing"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

# make install PREFIX=~/.local (default /usr/local); DESTDIR for packagers. Installs the program, its licence and
# its documentation (README.md and docs/).
PREFIX ?= /usr/local
install: repro
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/repro/docs
	install -m 755 repro $(DESTDIR)$(PREFIX)/bin/repro
	install -m 644 LICENSE README.md $(DESTDIR)$(PREFIX)/share/doc/repro/
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/repro/docs/

clean:
	rm -rf build repro

help:
	@echo "make              build ./repro (portable; make NATIVE=1 adds -march=native)"
	@echo "make test         install missing packages, build, run the test suite (TEST_ARGS='[tag]' for a subset)"
	@echo "make deps         install missing Debian/Ubuntu packages; elsewhere, check the tools and say what is missing"
	@echo "make bench        benchmarks against the peers in ../shared/peers, and the pseudo-likelihood solver's speed"
	@echo "make bench-quality  time to quality of the training recipes (docs/time-to-quality.md; ~40 CPU min)"
	@echo "make fig2 ... make fig6   build and run one figure at quick scale"
	@echo "make torch-dump   regenerate tests/data/torch_dump.bin with PyTorch (development only; tests read the file)"
	@echo "make install      install ./repro into PREFIX/bin (PREFIX=/usr/local; DESTDIR for packaging)"
	@echo "make clean        remove build/ and ./repro"
	@echo "make help         this list"

-include $(shell find build -name '*.d' 2>/dev/null)
