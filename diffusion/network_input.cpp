#include "network_input.h"

#include <cstddef>

#include "../nn/embedding.h"

std::vector<float> time_embedding_table(int T, int dim) {
    std::vector<float> table((size_t)(T + 1) * dim);
    for (int t = 0; t <= T; t++) sinusoidal_embedding(table.data() + (size_t)t * dim, (double)t, dim);
    return table;
}
