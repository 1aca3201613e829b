#include "address_space.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>

extern "C" int openblas_get_num_threads(void);

// OpenBLAS's buffers already mapped (by its workers at load, or by earlier calls), from /proc/self/maps: the kernel
// merges neighbouring buffers into one mapping, so each private read-write anonymous mapping counts as many whole
// 128 MiB buffers as it holds.
static int blas_buffers_mapped() {
    FILE* maps = std::fopen("/proc/self/maps", "r");
    if (!maps) return 0;
    int count = 0;
    unsigned long long start = 0, end = 0, offset = 0, inode = 1;
    char perms[8] = {0}, device[16] = {0}, line[512];
    while (std::fgets(line, sizeof line, maps))
        if (std::sscanf(line, "%llx-%llx %7s %llx %15s %llu", &start, &end, perms, &offset, device, &inode) == 6 &&
            inode == 0 && std::string(perms) == "rw-p")
            count += (int)((end - start) / (128ull << 20));
    std::fclose(maps);
    return count;
}

void require_blas_buffers(int missing, int threads) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
    // A trial reservation of what OpenBLAS will ask for (PROT_NONE, never touched): it counts against RLIMIT_AS as
    // OpenBLAS's own mappings will, and it is released at once. Each of our threads beyond the first also reserves
    // a stack (8 MiB) and a malloc arena (64 MiB of address space, glibc's per-thread heap).
    size_t bytes = (size_t)std::max(missing, 0) * OPENBLAS_BUFFER_BYTES + (size_t)(threads - 1) * (72u << 20) + (4u << 20);
    void* trial = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (trial != MAP_FAILED) {
        munmap(trial, bytes);
        return;
    }
    char message[512];
    std::snprintf(message, sizeof message, "the address-space limit (ulimit -v %llu kB) leaves too little room: OpenBLAS "
                  "maps 128 MiB per thread and still needs %.0f MB for --threads %d; it would retry forever. Raise "
                  "ulimit -v by that much, or run with fewer threads (--threads 1 and OPENBLAS_NUM_THREADS=1, which "
                  "sets the threads OpenBLAS starts when it loads)", (unsigned long long)(limit.rlim_cur / 1024),
                  bytes / 1e6, threads);
    throw AddressSpaceError(message);
}

void require_address_space_for_blas(int threads) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
    // A buffer for each of our threads that calls BLAS (`threads`: the erasure machine and training run that many)
    // and for each OpenBLAS worker (those it started at load, or threads - 1 if more).
    int total = threads + std::max(threads, openblas_get_num_threads()) - 1;
    require_blas_buffers(total - blas_buffers_mapped(), threads);
}
