#include "workers.h"

#include <exception>
#include <stdexcept>
#include <thread>
#include <vector>

extern "C" void openblas_set_num_threads(int num_threads);
extern "C" int openblas_get_num_threads(void);

void run_workers(int count, const std::function<void(int worker)>& body) {
    if (count < 1) throw std::runtime_error("run_workers: at least one worker is needed");
    int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    std::vector<std::exception_ptr> errors(count);
    std::vector<std::thread> threads;
    for (int worker = 1; worker < count; worker++)
        threads.emplace_back([&body, &errors, worker] {
            try {
                body(worker);
            } catch (...) {
                errors[worker] = std::current_exception();
            }
        });
    try {
        body(0);
    } catch (...) {
        errors[0] = std::current_exception();
    }
    for (std::thread& thread : threads) thread.join();
    openblas_set_num_threads(blas_threads);
    for (const std::exception_ptr& error : errors)
        if (error) std::rethrow_exception(error);
}

Barrier::Barrier(int count) {
    if (pthread_barrier_init(&barrier, nullptr, (unsigned)count) != 0)
        throw std::runtime_error("Barrier: pthread_barrier_init failed");
}

Barrier::~Barrier() { pthread_barrier_destroy(&barrier); }

void Barrier::wait() { pthread_barrier_wait(&barrier); }
