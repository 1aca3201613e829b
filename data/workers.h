// The threading every parallel loop of the project shares (diffusion training and sampling, pseudo-likelihood, the
// erasure machine's ε runs): `count` workers, each running its own single-threaded BLAS calls on its
// own rows (measured here: two such workers beat one two-threaded BLAS call on the whole batch, and they also
// split the element-wise work, which BLAS threads would not). Workers that must move in step wait at a Barrier.
#pragma once
#include <exception>
#include <functional>
#include <pthread.h>
#include <thread>
#include <vector>

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

// `count` workers kept alive for a loop that alternates serial work with short parallel phases many times a second
// (diffusion training: two phases per Adam step, ~150 steps a second), where starting threads for every phase, as
// run_workers does, would cost a measurable part of the step. OpenBLAS runs one thread while the team exists.
struct WorkerTeam {
    explicit WorkerTeam(int count);
    ~WorkerTeam();
    WorkerTeam(const WorkerTeam&) = delete;
    WorkerTeam& operator=(const WorkerTeam&) = delete;
    // Runs job(worker) for worker = 0 … count−1, worker 0 on the calling thread, and returns when all are done. An
    // exception that escapes a job is rethrown here after all workers are done (the lowest worker's first).
    void run(const std::function<void(int worker)>& job);

    int count;
    int blas_threads;                           // OpenBLAS's thread count before, restored by the destructor
    Barrier start, done;                        // a phase begins when all pass `start` and ends when all pass `done`
    const std::function<void(int)>* job = nullptr;  // this phase's job; null at `start` tells the threads to exit
    std::vector<std::exception_ptr> errors;     // per worker, this phase
    std::vector<std::thread> threads;           // workers 1 … count−1
};
