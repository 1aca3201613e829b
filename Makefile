# repro — build, test, benchmark and figure targets. `make help` lists them.
CXX      ?= g++
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++17 -Wall -Wextra -pthread -MMD -MP
ifeq ($(NATIVE),1)
CXXFLAGS += -march=native
endif
LDLIBS   = -lopenblas -lz -lpthread -lm
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC  = $(wildcard nn/*.cpp ising/*.cpp diffusion/*.cpp data/*.cpp experiments/*.cpp)
LIB_OBJ  = $(LIB_SRC:%.cpp=build/%.o) build/retina_embed.o
TEST_SRC = $(wildcard tests/test_*.cpp)
TEST_OBJ = $(TEST_SRC:%.cpp=build/%.o) build/tests/catch_main.o
# The MAT-file parser and the text formats are also tested under AddressSanitizer/UBSan (tests/asan_*.cpp).
ASAN_SRC = $(wildcard tests/asan_*.cpp) $(wildcard data/*.cpp)
ASAN_OBJ = $(ASAN_SRC:%.cpp=build/asan/%.o) build/asan/tests/catch_main.o build/retina_embed.o

# The retina recording (committed; data/retina/README.md) is embedded into the binary. The build checks its sha256
# once (the stamp below) so that an altered or truncated copy stops the build instead of giving other numbers.
RETINA_MAT    = data/retina/bint_fishmovie32_100.mat
RETINA_SHA256 = 50fa85a05950b76033809c8468f70c91fcd0c76d04587a685c1b76085f7f4dae
RETINA_STAMP  = build/retina_sha256.ok

.PHONY: all test bench deps clean help fig2 fig3 fig4 fig5 fig6 figures
all: repro

repro: build/main.o $(LIB_OBJ)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LDLIBS)

build/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c -o $@ $<

# Adam's loop takes a square root per parameter: without errno semantics GCC can vectorise it (nn/adam.cpp).
build/nn/adam.o: CXXFLAGS += -fno-math-errno

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

build/bench: tests/bench.cpp $(LIB_OBJ)
	$(CXX) $(CXXFLAGS) -o $@ $(filter %.cpp %.o,$^) $(LDLIBS)

build/bench_plm: tests/bench_plm.cpp $(LIB_OBJ)
	$(CXX) $(CXXFLAGS) -o $@ $(filter %.cpp %.o,$^) $(LDLIBS)

bench: deps build/bench build/bench_plm
	./build/bench
	./build/bench_plm

fig2 fig3 fig4 fig5 fig6: deps repro
	./repro $@

# Installs the Debian/Ubuntu packages that are missing (only those), with sudo when not root.
DEB_PACKAGES = g++ make libopenblas-dev catch2 zlib1g-dev gnuplot-nox
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  command -v apt-get >/dev/null || { echo "make deps: please install:$$missing" >&2; exit 1; }; \
	  sudo=""; [ "$$(id -u)" -ne 0 ] && sudo=sudo; \
	  echo "make deps: installing$$missing"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf build repro

help:
	@echo "make          build ./repro (portable; make NATIVE=1 adds -march=native)"
	@echo "make test     install missing packages, build, run the test suite"
	@echo "make bench    benchmarks against the peers in ../shared/peers, and the pseudo-likelihood solver's speed"
	@echo "make fig2 ... make fig6   build and run one figure at quick scale"

-include $(shell find build -name '*.d' 2>/dev/null)
