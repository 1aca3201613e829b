// The learning rate of Adam step k (beyond the paper, whose Adam runs at a constant 1e-4, Appendix A): an optional
// linear warm-up from 0 to the peak over `warmup` steps, then an optional half-cosine decay from the peak to `final_lr`
// that ends at step `horizon` (Loshchilov & Hutter 2017, SGDR; warm-up as in Goyal et al. 2017), then `final_lr`.
// warmup = 0 and horizon = 0 give the paper's constant rate. The values are in DiffusionConfig (diffusion.h).
#pragma once

// lr at Adam step `step` (1, 2, …):
//   step ≤ warmup:                 peak · step / warmup
//   horizon = 0:                   peak
//   warmup < step < horizon:       final + (peak − final) · (1 + cos(π · (step − warmup)/(horizon − warmup)))/2
//   step ≥ horizon:                final
float learning_rate_at(float peak, long warmup, long horizon, float final_lr, long step);
