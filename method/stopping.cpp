#include "stopping.h"

#include <cmath>
#include <stdexcept>

std::vector<long> doubling_schedule(long first, long last) {
    if (first <= 0 || last < first) throw std::invalid_argument("checkpoint schedule needs 0 < first <= last");
    std::vector<long> schedule;
    for (long iteration = first; iteration < last; iteration *= 2) schedule.push_back(iteration);
    schedule.push_back(last);
    return schedule;
}

StopDecision energy_variance_stop(const std::vector<long>& iterations, const std::vector<double>& variance,
                                  double target) {
    if (iterations.empty() || iterations.size() != variance.size())
        throw std::invalid_argument("energy_variance_stop: need one variance per checkpoint");
    StopDecision decision;
    bool starts_above = variance[0] > target;  // the usual case: the untrained model's samples vary more
    for (size_t k = 0; k < variance.size(); k++) {
        bool reached = starts_above ? variance[k] <= target : variance[k] >= target;
        if (!reached) continue;
        decision.crossed = true;
        if (k == 0) {
            decision.index = 0;
            decision.crossing_log10_iteration = std::log10((double)iterations[0]);
            return decision;
        }
        double x0 = std::log10((double)iterations[k - 1]), x1 = std::log10((double)iterations[k]);
        double fraction = (variance[k - 1] - target) / (variance[k - 1] - variance[k]);
        double crossing = x0 + fraction * (x1 - x0);
        decision.crossing_log10_iteration = crossing;
        decision.index = (crossing - x0 <= x1 - crossing) ? (int)k - 1 : (int)k;
        return decision;
    }
    // Never reached: the rule would train on; the last checkpoint is as far as the budget went.
    decision.index = (int)variance.size() - 1;
    return decision;
}
