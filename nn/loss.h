// Mean squared error between a prediction and its target, the DDPM training loss of Ho et al. (2020) that the
// paper uses: |ε − ε_θ(x_t, t)|², averaged over all B·n entries like PyTorch's F.mse_loss.
// The mean's denominator is passed in (`total_count`) so that a batch split into shards across threads gives the
// same loss and gradient as the whole batch: each shard adds its part.
#pragma once

// Returns Σ (pred − target)² over `count` entries (the shard's part of the numerator, in double).
double mse_forward(const float* pred, const float* target, long count);
// dpred += 2·(pred − target)/total_count. Accumulates, like every *_backward.
void mse_backward(float* dpred, const float* pred, const float* target, long count, long total_count);
