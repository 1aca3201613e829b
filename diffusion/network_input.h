// Building the denoiser's input rows [x_t | emb(t)] (nn/denoiser.h) from a table of time embeddings.
#pragma once
#include <vector>

// emb(t) for t = 0 … T, [(T + 1) × dim] (nn/embedding.h convention), computed once per training or sampling call.
std::vector<float> time_embedding_table(int T, int dim);

// input row r [n + dim] = [x_t row r | emb(t)] for `rows` rows, x_t [rows × n]; one t for all rows (sampling: every
// row of a chunk is at the same step).
void build_network_input_same_t(float* input, const float* x_t, int t, const float* embedding_table, int rows, int n,
                                int dim);
