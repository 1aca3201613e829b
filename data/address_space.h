// An address-space limit (ulimit -v, RLIMIT_AS; some clusters set one) that is too small for OpenBLAS. This build of
// OpenBLAS maps a buffer of 128 MiB per thread (its worker threads when the library loads, the calling thread at its
// first level-3 call), and when mmap() fails it retries forever: the run spins at 100 % CPU with no message (issue
// 27 case 7: `ulimit -v 300000`). Checked before the first BLAS call, so that the user reads what to change instead.
#pragma once
#include <cstdint>
#include <stdexcept>

constexpr uint64_t OPENBLAS_BUFFER_BYTES = (128ull << 20) + 8192;  // measured with strace on this OpenBLAS build

// The refusal. main() ends the process at once on it (_exit): a worker thread of OpenBLAS that could not map its
// buffer spins, and a normal exit would wait for it.
struct AddressSpaceError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws AddressSpaceError naming the limit, what is missing and the ways out, if OpenBLAS's buffers for `threads`
// threads (those started when the library loaded included) no longer fit under RLIMIT_AS. No limit: no check.
void require_address_space_for_blas(int threads);
// The core, for tests: `missing` buffers, and a stack and malloc arena for each of `threads` - 1 threads, must fit.
void require_blas_buffers(int missing, int threads);
