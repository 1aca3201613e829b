// VECTOR_KERNEL marks the few element-wise loops that dominate once the matrix products are in BLAS (GELU, Adam,
// bias sums, the sampler's update). On x86-64 with GCC each is compiled three times — baseline SSE2, x86-64-v3
// (AVX2+FMA) and x86-64-v4 (AVX-512) — and the dynamic loader picks the best one for the running CPU (GCC function
// multi-versioning), so the portable default build (no -march) still runs these loops 3–4× faster on a modern
// CPU. Elsewhere it expands to nothing. It is an attribute only: it changes no control flow.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VECTOR_KERNEL __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define VECTOR_KERNEL
#endif
