#include "appendix_a.h"

DenoiserConfig denoiser_config_for(int n) {
    DenoiserConfig config;
    config.n = n;
    if (n == 20) config.skip = false;  // "for n = 20 we achieve good performance even without residual connections"
    if (n == 60) {                     // "128 → 200, 256 → 400, and 512 → 600"
        config.widths[0] = 200;
        config.widths[1] = 400;
        config.widths[2] = 600;
    }
    return config;
}

DiffusionConfig diffusion_config_for(int n) {
    DiffusionConfig config;
    config.denoiser = denoiser_config_for(n);
    return config;
}
