#include "network_input.h"

#include <cstring>

#include "../nn/embedding.h"

std::vector<float> time_embedding_table(int T, int dim) {
    std::vector<float> table((size_t)(T + 1) * dim);
    for (int t = 0; t <= T; t++) sinusoidal_embedding(table.data() + (size_t)t * dim, (double)t, dim);
    return table;
}

void build_network_input_same_t(float* input, const float* x_t, int t, const float* embedding_table, int rows, int n,
                                int dim) {
    for (int r = 0; r < rows; r++) {
        float* row = input + (long)r * (n + dim);
        std::memcpy(row, x_t + (long)r * n, sizeof(float) * n);
        std::memcpy(row + n, embedding_table + (long)t * dim, sizeof(float) * dim);
    }
}
