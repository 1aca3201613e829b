// The BLAS core in use, the better cores a CPU supports, and the GEMM self-test (blas_core.h).
#include "blas_core.h"

#include <cblas.h>
#include <cpuid.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "../data/rng.h"

extern "C" {
char* openblas_get_corename(void);
char* openblas_get_config(void);
}

// XCR0 (which register states the OS saves): the CPU may have AVX-512 while the OS has not enabled it.
static unsigned long long xgetbv0() {
    unsigned int eax = 0, edx = 0;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

CpuFeatures cpu_features() {
    CpuFeatures cpu;
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return cpu;
    char vendor[13] = {0};
    std::memcpy(vendor, &ebx, 4);
    std::memcpy(vendor + 4, &edx, 4);
    std::memcpy(vendor + 8, &ecx, 4);
    cpu.vendor = vendor;
    unsigned int max_leaf = eax;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return cpu;
    bool fma = ecx & (1u << 12), osxsave = ecx & (1u << 27), avx = ecx & (1u << 28);
    if (!osxsave || !avx || max_leaf < 7) return cpu;
    unsigned long long xcr0 = xgetbv0();
    bool ymm_state = (xcr0 & 0x6) == 0x6, zmm_state = (xcr0 & 0xe6) == 0xe6;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    bool avx2 = ebx & (1u << 5);
    bool avx512 = (ebx & (1u << 16)) && (ebx & (1u << 17)) && (ebx & (1u << 28)) && (ebx & (1u << 30)) && (ebx & (1u << 31));
    cpu.avx2_fma = avx2 && fma && ymm_state;  // F, DQ, CD, BW, VL above
    cpu.avx512 = cpu.avx2_fma && avx512 && zmm_state;
    return cpu;
}

std::string blas_core_name() { return openblas_get_corename(); }
std::string blas_config() { return openblas_get_config(); }

// How good a core's kernels are on a CPU that can run them: 2 for AVX-512 cores, 1 for AVX2 cores, 0 for the rest
// (SSE-era and Sandybridge AVX kernels: what OpenBLAS falls back to on a CPU it does not know).
static int core_rank(const std::string& core) {
    for (const char* wide : {"SkylakeX", "Cooperlake", "SapphireRapids"})
        if (core == wide) return 2;
    for (const char* avx2 : {"Haswell", "Zen"})
        if (core == avx2) return 1;
    return 0;
}

std::vector<std::string> blas_better_cores(const std::string& current, const CpuFeatures& cpu, bool current_works) {
    std::vector<std::string> supported;
    if (cpu.avx512) supported.push_back("SkylakeX");  // measured faster than Cooperlake on our shapes (issue 25)
    if (cpu.avx2_fma) supported.push_back("Haswell");
    std::vector<std::string> better;
    for (const std::string& core : supported)
        if (core != current && (!current_works || core_rank(core) > core_rank(current))) better.push_back(core);
    return better;
}

// max |C − C_ref| / (Σ_k |a_ik||b_kj|) over C = op(A)·op(B), op = transpose or not, for one shape.
template <typename Real, typename Gemm>
static double gemm_error(Gemm gemm, int m, int n, int k, bool trans_a, bool trans_b, Rng* rng) {
    std::vector<Real> a((size_t)m * k), b((size_t)k * n), c((size_t)m * n, 0);
    for (Real& x : a) x = (Real)(2 * rng_uniform(rng) - 1);
    for (Real& x : b) x = (Real)(2 * rng_uniform(rng) - 1);
    // Row-major A is m×k (or k×m stored when transposed), B is k×n (or n×k).
    int lda = trans_a ? m : k, ldb = trans_b ? k : n;
    gemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, m, n, k, (Real)1,
         a.data(), lda, b.data(), ldb, (Real)0, c.data(), n);
    double worst = 0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double sum = 0, scale = 0;
            for (int p = 0; p < k; p++) {
                double x = trans_a ? a[(size_t)p * m + i] : a[(size_t)i * k + p];
                double y = trans_b ? b[(size_t)j * k + p] : b[(size_t)p * n + j];
                sum += x * y;
                scale += std::fabs(x * y);
            }
            double error = std::fabs((double)c[(size_t)i * n + j] - sum) / (scale > 0 ? scale : 1);
            if (!(error <= worst)) worst = std::isfinite(error) ? error : INFINITY;
        }
    return worst;
}

bool blas_self_test() {
    Rng rng;
    rng_seed(&rng, 25);
    // Odd sizes so that every kernel's edge handling runs; k = 300 crosses the kernels' blocking of the inner loop.
    const int shapes[][3] = {{1, 1, 1}, {7, 5, 3}, {33, 17, 65}, {29, 63, 300}, {64, 48, 128}};
    for (const auto& shape : shapes)
        for (int t = 0; t < 3; t++) {  // NN, TN (weight gradients), NT (input gradients)
            bool ta = t == 1, tb = t == 2;
            if (!(gemm_error<float>(cblas_sgemm, shape[0], shape[1], shape[2], ta, tb, &rng) < 1e-4)) return false;
            if (!(gemm_error<double>(cblas_dgemm, shape[0], shape[1], shape[2], ta, tb, &rng) < 1e-12)) return false;
        }
    return true;
}

std::string blas_description() {
    std::string text = blas_config() + "; core " + blas_core_name();
    const char* chosen = std::getenv("REPRO_BLAS_CHOICE");
    if (chosen && *chosen) return text + " (" + chosen + ")";
    if (std::getenv("OPENBLAS_CORETYPE")) return text + " (set by OPENBLAS_CORETYPE)";
    return text + " (OpenBLAS's own choice)";
}
