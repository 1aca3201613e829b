// Learning-rate schedule (lr_schedule.h).
#include "lr_schedule.h"

#include <cmath>

float learning_rate_at(float peak, long warmup, long horizon, float final_lr, long step) {
    if (warmup > 0 && step <= warmup) return peak * (float)step / (float)warmup;
    if (horizon <= 0) return peak;
    if (step >= horizon) return final_lr;
    const double pi = 3.14159265358979323846;
    double progress = (double)(step - warmup) / (double)(horizon - warmup);  // 0 … 1 over the decay
    return (float)(final_lr + (peak - final_lr) * 0.5 * (1.0 + std::cos(pi * progress)));
}
