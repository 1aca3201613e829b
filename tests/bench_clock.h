// Process CPU time and peak memory for the benchmarks (tests/bench.cpp, tests/bench_plm.cpp): wall-clock rates
// suffer when other processes share the cores, so each benchmark also reports the CPU time it used.
#pragma once
#include <sys/resource.h>

static inline double cpu_seconds() {
    rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

static inline double peak_rss_mib() {
    rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0;
}
