#include "schedule.h"

#include <stdexcept>
#include <string>

NoiseSchedule linear_schedule(int T) {
    if (T < 1 || T > 1000000) throw std::runtime_error("noise schedule: T must be between 1 and 10^6, got " + std::to_string(T));
    NoiseSchedule schedule;
    schedule.T = T;
    schedule.beta.assign(T + 1, 0.0);
    schedule.alpha.assign(T + 1, 1.0);
    schedule.alpha_bar.assign(T + 1, 1.0);
    for (int t = 1; t <= T; t++) {
        schedule.beta[t] = 1e-4 + 0.02 * t / T;  // Appendix A
        schedule.alpha[t] = 1.0 - schedule.beta[t];
        schedule.alpha_bar[t] = schedule.alpha_bar[t - 1] * schedule.alpha[t];
    }
    return schedule;
}

double posterior_variance(const NoiseSchedule& schedule, int t) {
    if (t < 1 || t > schedule.T) throw std::logic_error("posterior_variance: t outside 1..T");
    return (1.0 - schedule.alpha_bar[t - 1]) / (1.0 - schedule.alpha_bar[t]) * schedule.beta[t];
}
