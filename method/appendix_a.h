// The paper's network and training choices per system size (Appendix A). They live with the method, not in nn/ or
// diffusion/, which take any shape: nn/ knows no paper, diffusion/ learns any ±1 data.
#pragma once
#include "../diffusion/diffusion.h"
#include "../nn/denoiser.h"

// Appendix A's denoiser for n spins: n = 20 → no skip connections; n = 60 → widths 200, 400, 600; any other n the
// n = 40 shape (128, 256, 512 with skips).
DenoiserConfig denoiser_config_for(int n);

// Appendix A's diffusion model for n spins: denoiser_config_for(n), T = 1000 with the linear schedule, Adam at
// 1e-4 (the DiffusionConfig defaults).
DiffusionConfig diffusion_config_for(int n);
