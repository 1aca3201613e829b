#include "loss.h"

double mse_forward(const float* pred, const float* target, long count) {
    double sum = 0.0;
    for (long i = 0; i < count; i++) {
        double difference = (double)pred[i] - (double)target[i];
        sum += difference * difference;
    }
    return sum;
}

void mse_backward(float* dpred, const float* pred, const float* target, long count, long total_count) {
    float scale = (float)(2.0 / (double)total_count);
    for (long i = 0; i < count; i++) dpred[i] += scale * (pred[i] - target[i]);
}
