// DiffusionModel set-up (diffusion.h).
#include <stdexcept>
#include <string>

#include "diffusion.h"

float ema_warmup_decay(float decay, long step) {
    float warmup = (1.0f + (float)step) / (10.0f + (float)step);
    return warmup < decay ? warmup : decay;
}

void diffusion_check_model(const DiffusionModel& model, const char* caller, bool with_optimizer_state) {
    const size_t count = (size_t)denoiser_param_count(model.config.denoiser);
    if (model.params.size() != count ||
        (with_optimizer_state && (model.adam_m.size() != count || model.adam_v.size() != count)))
        throw std::runtime_error(std::string(caller) + ": the model is not initialised (diffusion_init or checkpoint_load)");
    if (model.config.ema_decay > 0.0f && model.ema_params.size() != count)
        throw std::runtime_error(std::string(caller) + ": ema_decay is set but the model has no moving average");
}

void diffusion_init(DiffusionModel* model, const DiffusionConfig& config, uint64_t seed) {
    denoiser_validate(config.denoiser);
    if (config.T < 1 || config.T > 1000000)
        throw std::runtime_error("diffusion: T must be between 1 and 10^6, got " + std::to_string(config.T));
    if (!(config.ema_decay >= 0.0f && config.ema_decay < 1.0f))
        throw std::runtime_error("diffusion: the EMA decay must be in [0, 1), got " + std::to_string(config.ema_decay));
    model->config = config;
    long count = denoiser_param_count(config.denoiser);
    model->params.assign(count, 0.0f);
    model->adam_m.assign(count, 0.0f);
    model->adam_v.assign(count, 0.0f);
    model->iteration = 0;
    rng_seed(&model->rng, seed, 0);
    denoiser_init(model->params.data(), config.denoiser, &model->rng);
    // The average starts at the initial weights (Ho et al.'s choice), so early samples are those of a young model.
    if (config.ema_decay > 0.0f) model->ema_params = model->params;
    else model->ema_params.clear();
}
