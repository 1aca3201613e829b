// Which OpenBLAS kernels run the GEMMs, and whether they compute right. Debian 12's OpenBLAS 0.3.21 (DYNAMIC_ARCH)
// picks its kernels ("core") from the CPU at load time; on CPUs newer than it knows (a current Intel Xeon with
// AVX-512) it falls back to its generic Prescott (SSE3) kernels and training runs ~4x slower than the CPU allows.
// This file names the core in use, says which better core the CPU's features support, and checks a core by a GEMM
// self-test against plain loops. cli/blas_startup.cpp uses it to re-execute repro with a better core when OpenBLAS
// fell back (issue 25); a user's own OPENBLAS_CORETYPE always wins.
#pragma once
#include <string>
#include <vector>

// The CPU features that decide which kernels can run (cpuid, with the OS's XSAVE support for the wide registers).
struct CpuFeatures {
    bool avx2_fma = false;  // AVX2 and FMA3, with YMM state enabled by the OS
    bool avx512 = false;    // AVX-512 F, CD, BW, DQ and VL (OpenBLAS's SkylakeX kernels), with ZMM state enabled
    std::string vendor;     // "GenuineIntel", "AuthenticAMD", ...
};
CpuFeatures cpu_features();

// The core OpenBLAS is running ("Haswell", "Zen", "Prescott", ...) and its build configuration line.
std::string blas_core_name();
std::string blas_config();

// Better cores than `current` that `cpu` can run, best first: SkylakeX then Haswell for AVX-512, Haswell for
// AVX2/FMA. Empty when `current` is already as good (Haswell, Zen, SkylakeX, Cooperlake, SapphireRapids count as
// good) — unless `current_works` is false (it failed the self-test): then every core the CPU supports is offered.
std::vector<std::string> blas_better_cores(const std::string& current, const CpuFeatures& cpu, bool current_works);

// The GEMM self-test: single- and double-precision GEMMs in every transpose combination the code uses, over odd
// shapes that reach the kernels' edge loops, against plain double-precision loops. True when every entry lies within
// 1e-4 (float) / 1e-12 (double) of the reference, relative to Σ_k |a_ik|·|b_kj|. Takes about a millisecond.
bool blas_self_test();

// One line for --version, run_info.csv and make bench: "OpenBLAS 0.3.21 ... core Haswell (chosen by repro: ...)".
std::string blas_description();
