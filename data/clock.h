// Wall-clock seconds for progress lines, logs and run_info: one definition for every command.
#pragma once
#include <chrono>

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
