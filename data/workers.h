// The threading every parallel loop of the project shares (diffusion training and sampling, pseudo-likelihood, the
// erasure machine's ε runs): `count` workers, each running its own single-threaded BLAS calls on its
// own rows (measured here: two such workers beat one two-threaded BLAS call on the whole batch, and they also
// split the element-wise work, which BLAS threads would not). Workers that must move in step wait at a Barrier.
#pragma once
#include <functional>
#include <pthread.h>

// Runs body(worker) for worker = 0 … count−1: worker 0 on the calling thread, the others on new threads, and joins
// them. OpenBLAS is set to one thread meanwhile and restored afterwards. A body must not throw while others may be
// waiting at a barrier; an exception that escapes a body is rethrown here after all workers have joined.
void run_workers(int count, const std::function<void(int worker)>& body);

// A reusable barrier for `count` threads (POSIX pthread_barrier).
struct Barrier {
    explicit Barrier(int count);
    ~Barrier();
    Barrier(const Barrier&) = delete;
    Barrier& operator=(const Barrier&) = delete;
    void wait();
    pthread_barrier_t barrier;
};
