// The time embeddings the denoiser's input [x_t | emb(t)] needs (nn/denoiser.h), tabulated once per run.
#pragma once
#include <vector>

// emb(t) for t = 0 … T, [(T + 1) × dim] (nn/embedding.h convention), computed once per training or sampling call.
std::vector<float> time_embedding_table(int T, int dim);
