#include "workers.h"

#include <exception>
#include <stdexcept>

extern "C" void openblas_set_num_threads(int num_threads);
extern "C" int openblas_get_num_threads(void);

void run_workers(int count, const std::function<void(int worker)>& body) {
    WorkerTeam team(count);
    team.run(body);
}

static void run_one(WorkerTeam* team, int worker) {
    try {
        (*team->job)(worker);
    } catch (...) {
        team->errors[worker] = std::current_exception();
    }
}

static int checked_count(int count) {
    if (count < 1) throw std::runtime_error("WorkerTeam: at least one worker is needed");
    return count;
}

WorkerTeam::WorkerTeam(int count)
    : count(checked_count(count)), blas_threads(openblas_get_num_threads()), start(count), done(count), errors(count) {
    openblas_set_num_threads(1);
    for (int worker = 1; worker < count; worker++)
        threads.emplace_back([this, worker] {
            for (;;) {
                start.wait();
                if (!job) return;
                run_one(this, worker);
                done.wait();
            }
        });
}

WorkerTeam::~WorkerTeam() {
    job = nullptr;
    start.wait();  // the threads see no job and return
    for (std::thread& thread : threads) thread.join();
    openblas_set_num_threads(blas_threads);
}

void WorkerTeam::run(const std::function<void(int worker)>& body) {
    job = &body;
    start.wait();
    run_one(this, 0);
    done.wait();
    for (std::exception_ptr& error : errors)
        if (error) {
            std::exception_ptr first = error;
            for (std::exception_ptr& other : errors) other = nullptr;
            std::rethrow_exception(first);
        }
}

Barrier::Barrier(int count) {
    if (pthread_barrier_init(&barrier, nullptr, (unsigned)count) != 0)
        throw std::runtime_error("Barrier: pthread_barrier_init failed");
}

Barrier::~Barrier() { pthread_barrier_destroy(&barrier); }

void Barrier::wait() { pthread_barrier_wait(&barrier); }
