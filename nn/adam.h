// Adam (Kingma & Ba 2015) exactly as PyTorch's torch.optim.Adam (the paper's optimiser, Appendix A: lr 1e-4):
//   m ← β1·m + (1−β1)·g,   v ← β2·v + (1−β2)·g²,
//   p ← p − lr/(1−β1^k) · m / (√v/√(1−β2^k) + ε)        (k = 1, 2, … the step number)
#pragma once

struct AdamConfig {
    float learning_rate = 1e-4f;  // Appendix A
    float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;  // PyTorch's defaults
};

// One Adam step k (k ≥ 1) over `count` parameters, then sets grads to zero: every backward accumulates, so the
// next step must start from zero gradients. params, grads, m, v are [count]. A caller may update disjoint slices
// from different threads (the bias corrections depend only on k).
void adam_update(float* params, float* grads, float* m, float* v, long count, const AdamConfig& config, long step);
