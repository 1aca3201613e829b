#include "pipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <stdexcept>

#include "../data/clock.h"
#include "../data/atomic_file.h"
#include "../diffusion/progress.h"
#include "../ising/energy.h"
#include "../ising/metrics.h"
#include "../ising/meanfield.h"
#include "../ising/metropolis.h"
#include "../ising/plm.h"
#include "../ising/sk.h"

uint64_t derive_seed(uint64_t seed, uint64_t purpose) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + purpose;
    splitmix64_next(&x);
    return splitmix64_next(&x);
}

uint64_t sk_point_seed(uint64_t seed, int n, double g, int M, int member) {
    char text[128];
    std::snprintf(text, sizeof text, "sk/n=%d/g=%.17g/M=%d/member=%d", n, g, M, member);
    uint64_t hash = 1469598103934665603ull;  // FNV-1a 64
    for (const char* c = text; *c; c++) hash = (hash ^ (unsigned char)*c) * 1099511628211ull;
    return derive_seed(seed, hash);
}

SkData make_sk_data(int n, double g, int train_count, int test_count, uint64_t seed, int threads) {
    SkData data;
    Rng rng;
    rng_seed(&rng, derive_seed(seed, 1));
    data.truth = draw_sk_params(n, g, &rng);
    Samples all = metropolis_sample(data.truth, train_count + test_count, metropolis_default_burn_in(data.truth),
                                    metropolis_default_thin(data.truth), &rng,
                                    threads);
    data.train = sample_rows(all, 0, train_count);
    data.test = sample_rows(all, train_count, test_count);
    return data;
}

Samples sample_rows(const Samples& samples, long first, long count) {
    if (first < 0 || count < 0 || first + count > samples.count) throw std::out_of_range("sample_rows: rows out of range");
    Samples part;
    part.count = (int)count;
    part.n = samples.n;
    part.spins.assign(samples.spins.begin() + first * samples.n, samples.spins.begin() + (first + count) * samples.n);
    return part;
}

Samples samples_concat(const Samples& a, const Samples& b) {
    if (a.n != b.n) throw std::invalid_argument("samples_concat: different n");
    Samples both = a;
    both.count += b.count;
    both.spins.insert(both.spins.end(), b.spins.begin(), b.spins.end());
    return both;
}

Samples bootstrap_samples(const Samples& samples, long count, Rng* rng) {
    Samples drawn;
    drawn.count = (int)count;
    drawn.n = samples.n;
    drawn.spins.resize((size_t)count * samples.n);
    for (long row = 0; row < count; row++) {
        long source = (long)rng_below(rng, (uint64_t)samples.count);
        std::copy(samples.spins.begin() + source * samples.n, samples.spins.begin() + (source + 1) * samples.n,
                  drawn.spins.begin() + row * samples.n);
    }
    return drawn;
}

ErasureResult infer_erasure(const Samples& samples, const ErasureGrid& grid, int threads, uint64_t seed) {
    ErasureOptions options;
    options.eps_count = grid.count;
    options.eps_stride = grid.stride;
    options.threads = threads;
    options.seed = seed;
    return erasure_machine(samples, options);
}

Inference infer_with(const Samples& samples, const SolverChoice& solver, int threads, uint64_t seed) {
    Inference result;
    if (solver.kind == SolverKind::Erasure) {
        ErasureResult fit = infer_erasure(samples, solver.grid, threads, seed);
        result.params = fit.params;
        result.eps = fit.chosen_eps;
    } else if (solver.kind == SolverKind::Plm) {
        PlmOptions options;
        options.threads = threads;
        options.lambda = solver.plm_lambda;
        if (solver.plm_lambda_auto) {
            std::vector<double> scores;
            result.params = plm_fit_auto_lambda(samples, nullptr, 5, options, &result.lambda, &scores).params;
        } else {
            result.params = plm_fit(samples, options).params;
            result.lambda = solver.plm_lambda;
        }
    } else {
        result.params = mean_field_fit(samples).params;
    }
    return result;
}

std::string solver_name(const SolverChoice& solver) {
    if (solver.kind == SolverKind::Erasure) return "em";
    if (solver.kind == SolverKind::MeanField) return "mf";
    if (solver.plm_lambda_auto) return "plm-auto";
    if (solver.plm_lambda == 0) return "plm";
    char text[48];
    std::snprintf(text, sizeof text, "plm-lambda%g", solver.plm_lambda);
    return text;
}

std::vector<OptionSpec> solver_options() {
    return {{"solver", "NAME", "em", "inverse Ising solver: em (erasure machine, the paper's), plm (pseudo-likelihood) "
                                     "or mf (mean field)"},
            {"lambda", "L", "0", "plm: L2 penalty on the couplings, or 'auto' (5-fold cross-validation)"}};
}

SolverChoice solver_from_args(const Args& args, bool paper) {
    SolverChoice solver;
    solver.grid = erasure_grid_from_args(args, paper);
    std::string name = arg_string(args, "solver");
    if (name == "em" || name == "erasure") solver.kind = SolverKind::Erasure;
    else if (name == "plm") solver.kind = SolverKind::Plm;
    else if (name == "mf") solver.kind = SolverKind::MeanField;
    else throw UsageError("--solver must be em, plm or mf, got '" + name + "'");
    std::string lambda = arg_string(args, "lambda");
    if (lambda != "0" && solver.kind != SolverKind::Plm) throw UsageError("--lambda applies to --solver plm only");
    if (lambda == "auto") {
        solver.plm_lambda_auto = true;
    } else {
        char* end = nullptr;
        solver.plm_lambda = std::strtod(lambda.c_str(), &end);
        if (lambda.empty() || *end != '\0' || !std::isfinite(solver.plm_lambda) || solver.plm_lambda < 0)
            throw UsageError("--lambda needs a number >= 0 or 'auto', got '" + lambda + "'");
    }
    return solver;
}

Samples generate_samples(const DiffusionModel& model, long count, const SamplerOptions& sampler, uint64_t seed,
                         int threads, bool quiet) {
    Samples out;
    out.count = (int)count;
    out.n = model.config.denoiser.n;
    out.spins.resize((size_t)count * out.n);
    diffusion_sample(model, count, sampler, seed, out.spins.data(), threads,
                     progress_display(quiet, "sample", "samples"));
    return out;
}

// The rule's state next to the training state, so that an interrupted run resumes where it was: the model at the
// last rule checkpoint (the crossing may be chosen there) and Var[E] at every rule checkpoint so far.
static std::string rule_file(const AugmentSettings& settings, const char* name) {
    std::string dir = settings.checkpoint_dir;
    if (dir.empty()) {  // resuming without --checkpoint-dir: the state lies next to the resumed file
        size_t slash = settings.resume_path.rfind('/');
        dir = slash == std::string::npos ? "." : settings.resume_path.substr(0, slash);
    }
    return dir + "/" + name;
}

static void save_rule_state(const AugmentSettings& settings, const DiffusionModel& previous, const AugmentTrace& trace) {
    if (settings.checkpoint_dir.empty()) return;
    checkpoint_save(previous, rule_file(settings, "rule_previous.bin"));
    CsvTable table = csv_table({"iteration", "var_e_aug"});
    for (size_t k = 0; k < trace.iterations.size(); k++)
        csv_add_row(&table, {csv_integer(trace.iterations[k]), csv_number(trace.variance[k])});
    csv_write(rule_file(settings, "rule_trace.csv"), table);
}

// A fresh model with the figures' seed, or the resumed one with the rule's state saved next to it.
static void start_rule_model(const Samples& train, const AugmentSettings& settings, uint64_t seed, DiffusionModel* model,
                             DiffusionModel* previous, AugmentTrace* trace) {
    if (settings.resume_path.empty()) {
        DiffusionConfig config = diffusion_config_for(train.n);
        config.ema_decay = settings.ema_decay;
        if (settings.widths[0] > 0) std::copy(settings.widths, settings.widths + 3, config.denoiser.widths);
        diffusion_init(model, config, derive_seed(seed, 2));
        return;
    }
    checkpoint_load(model, settings.resume_path);
    if (model->config.denoiser.n != train.n)
        throw std::runtime_error(settings.resume_path + ": the checkpoint is for n = " +
                                 std::to_string(model->config.denoiser.n) + " spins, the data have n = " + std::to_string(train.n));
    std::string trace_path = rule_file(settings, "rule_trace.csv");
    if (!path_exists(trace_path)) return;  // interrupted before the first rule checkpoint
    CsvTable table = csv_read(trace_path);
    for (size_t row = 0; row < table.rows.size(); row++) {
        trace->iterations.push_back(csv_int(table, row, "iteration"));
        trace->variance.push_back(csv_double(table, row, "var_e_aug"));
    }
    checkpoint_load(previous, rule_file(settings, "rule_previous.bin"));
}

// Trains up to `target` iterations, saving the training state every settings.checkpoint_every iterations and at
// the target when a checkpoint directory is set.
static void train_to(DiffusionModel* model, const Samples& train, long target, const AugmentSettings& settings) {
    bool saving = !settings.checkpoint_dir.empty();
    while (model->iteration < target) {
        long segment = target - model->iteration;
        if (saving && settings.checkpoint_every > 0) segment = std::min(segment, settings.checkpoint_every);
        diffusion_train(model, train.spins.data(), train.count, segment, settings.batch, settings.threads,
                        progress_display(settings.quiet, "train", "it"));
        if (saving) checkpoint_save(*model, settings.checkpoint_dir + "/ckpt.bin");
    }
}

Samples augment_energy_variance_stopped(const Samples& train, const IsingParams& params_obs, double variance_target,
                                        long augmented_count, const AugmentSettings& settings, uint64_t seed,
                                        AugmentTrace* trace) {
    *trace = AugmentTrace();
    DiffusionModel model, previous;
    start_rule_model(train, settings, seed, &model, &previous, trace);
    std::vector<long> schedule = doubling_schedule(settings.first_checkpoint, settings.max_iterations);
    Moments train_moments = sample_moments(train);
    for (size_t k = 0; k < schedule.size(); k++) {
        if (!trace->iterations.empty() && schedule[k] <= trace->iterations.back()) continue;  // done before a resume
        if (model.iteration > schedule[k])
            throw std::runtime_error("the resumed checkpoint is at iteration " + std::to_string(model.iteration) +
                                     ", past the rule checkpoint " + std::to_string(schedule[k]) + " it has no Var[E] for");
        auto start = std::chrono::steady_clock::now();
        train_to(&model, train, schedule[k], settings);
        trace->seconds_training += seconds_since(start);
        start = std::chrono::steady_clock::now();
        Samples probe = generate_samples(model, settings.probe_count, settings.sampler, derive_seed(seed, 100 + k),
                                         settings.threads, settings.quiet);
        trace->seconds_sampling += seconds_since(start);
        trace->iterations.push_back(schedule[k]);
        trace->variance.push_back(energy_stats(params_obs, probe).variance);
        trace->fidelity.push_back(moment_distance(sample_moments(probe), train_moments));
        if (!settings.quiet)
            std::fprintf(stderr, "  checkpoint %ld: Var[E(aug)] = %.3f (target Var[E(test)] = %.3f); probe vs training "
                         "data: %s\n", schedule[k], trace->variance.back(), variance_target,
                         fidelity_text(trace->fidelity.back()).c_str());
        trace->stop = energy_variance_stop(trace->iterations, trace->variance, variance_target);
        if (trace->stop.crossed) break;
        previous = model;  // the crossing may lie nearer to this checkpoint than to the next one
        save_rule_state(settings, previous, *trace);
    }
    if (trace->iterations.empty()) throw std::runtime_error("the energy-variance rule visited no checkpoint");
    trace->stop = energy_variance_stop(trace->iterations, trace->variance, variance_target);
    // Crossed: the chosen checkpoint is this one or the one before; not crossed: the last one.
    int last = (int)trace->iterations.size() - 1;
    const DiffusionModel& chosen = (trace->stop.index == last) ? model : previous;
    trace->chosen_iteration = trace->iterations[trace->stop.index];
    if (!settings.save_model_path.empty()) checkpoint_save(chosen, settings.save_model_path);
    auto start = std::chrono::steady_clock::now();
    Samples augmented = generate_samples(chosen, augmented_count, settings.sampler, derive_seed(seed, 3),
                                         settings.threads, settings.quiet);
    trace->seconds_sampling += seconds_since(start);
    return augmented;
}

std::string fidelity_text(const MomentDistance& distance) {
    char text[96];
    std::snprintf(text, sizeof text, "mean |dm| %.3g, mean |dC| %.3g", distance.magnetisation, distance.correlation);
    return text;
}

SamplerOptions sampler_from_args(const Args& args, const SamplerOptions& fallback) {
    SamplerOptions sampler = fallback;
    if (arg_given(args, "sampler")) {
        std::string kind = arg_string(args, "sampler");
        if (kind == "ddpm") sampler.kind = SamplerKind::ddpm;
        else if (kind == "ddim") sampler.kind = SamplerKind::ddim;
        else throw UsageError("--sampler must be ddpm or ddim, got '" + kind + "'");
    }
    // DDPM runs all T steps with its own noise: a --steps or --eta given with it would be ignored silently.
    if (sampler.kind == SamplerKind::ddpm && (arg_given(args, "steps") || arg_given(args, "eta")))
        throw UsageError("--steps and --eta apply to --sampler ddim only; --sampler ddpm runs all 1000 steps");
    if (arg_given(args, "steps")) sampler.steps = (int)arg_int_in_range(args, "steps", 1, 1000);
    sampler.eta = arg_double_or(args, "eta", sampler.eta);
    if (sampler.steps < 1 || sampler.steps > 1000) throw UsageError("--steps must be in 1..1000");
    if (sampler.eta < 0 || sampler.eta > 1) throw UsageError("--eta must be in [0, 1]");
    return sampler;
}

SamplerOptions quick_sampler() {
    // DDIM with η = 1 (ancestral, DDPM's posterior noise) on 200 of the 1000 steps. Measured on one model (n = 40,
    // g = 1, M = 4000, 32,000 iterations; erasure machine on 10,000 generated samples): MSE 0.00443 against 0.00444
    // for DDPM over all 1000 steps, at a fifth of the cost; DDIM η = 0 with 100 steps lost the gain (0.00573, with
    // 0.00588 from the observed data alone), as the independent pilot had warned. README "Quick scale".
    SamplerOptions sampler;
    sampler.kind = SamplerKind::ddim;
    sampler.steps = 200;
    sampler.eta = 1.0;
    return sampler;
}

SkAugmentResult run_sk_augmentation(int n, double g, int M, const std::vector<long>& augmented_counts, bool with_union,
                                    const AugmentSettings& settings, const SolverChoice& solver, uint64_t seed) {
    SkAugmentResult result;
    SkData data = make_sk_data(n, g, M, M, seed, settings.threads);
    Inference observed = infer_with(data.train, solver, settings.threads, derive_seed(seed, 10));
    result.mse_obs = parameter_mse(observed.params, data.truth);
    result.eps_obs = observed.eps;
    result.var_train = energy_stats(observed.params, data.train).variance;
    result.var_test = energy_stats(observed.params, data.test).variance;
    long most = *std::max_element(augmented_counts.begin(), augmented_counts.end());
    Samples augmented = augment_energy_variance_stopped(data.train, observed.params, result.var_test, most, settings,
                                                        derive_seed(seed, 20), &result.trace);
    result.augmented_counts = augmented_counts;
    for (long count : augmented_counts) {
        Samples part = sample_rows(augmented, 0, count);
        Inference aug = infer_with(part, solver, settings.threads, derive_seed(seed, 10));
        result.mse_aug.push_back(parameter_mse(aug.params, data.truth));
        result.eps_aug.push_back(aug.eps);
        if (with_union) {
            Inference both = infer_with(samples_concat(part, data.train), solver, settings.threads, derive_seed(seed, 10));
            result.mse_aug_obs.push_back(parameter_mse(both.params, data.truth));
        }
    }
    return result;
}

std::vector<long> parse_long_list(const std::string& text, const std::string& option) {
    std::vector<long> values;
    for (double value : parse_double_list(text, option)) {
        if (value != std::floor(value) || value < 1) throw UsageError("--" + option + " needs positive integers, got '" + text + "'");
        values.push_back((long)value);
    }
    return values;
}

std::vector<double> parse_double_list(const std::string& text, const std::string& option) {
    std::vector<double> values;
    size_t start = 0;
    for (;;) {
        size_t comma = text.find(',', start);
        std::string word = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        char* end = nullptr;
        double value = std::strtod(word.c_str(), &end);
        if (word.empty() || *end != '\0' || !std::isfinite(value) || value <= 0)
            throw UsageError("--" + option + " needs positive numbers separated by commas, got '" + text + "'");
        values.push_back(value);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return values;
}

Args parse_ensemble_figure_args(int argc, char** argv, const std::string& figure, const std::string& paper_design,
                                const std::vector<OptionSpec>& own, const std::string& usage,
                                const std::string& description, bool* paper, bool takes_solver) {
    std::vector<OptionSpec> spec = {{"scale", "S", "quick", "quick (<= 30 min on 2 cores) or paper (" + paper_design + ")"},
                                    {"out", "DIR", "results/" + figure, "output directory"}};
    std::vector<OptionSpec> solver = takes_solver ? solver_options() : std::vector<OptionSpec>();
    for (const std::vector<OptionSpec>& group : {own, erasure_options(), solver, augment_options(), job_options()})
        spec.insert(spec.end(), group.begin(), group.end());
    Args args = parse_args(argc, argv, 2, usage, description, spec, 0, 0);
    std::string scale = arg_string(args, "scale");
    if (scale != "quick" && scale != "paper") throw UsageError("--scale must be quick or paper, got '" + scale + "'");
    *paper = scale == "paper";
    return args;
}

std::vector<OptionSpec> diffusion_options() {
    return {{"batch", "B", "256", "minibatch size of the diffusion training"},
            {"sampler", "KIND", "", "ddpm or ddim (quick: ddim, 200 steps, eta 1; paper: ddpm)"},
            {"steps", "S", "", "DDIM steps"},
            {"eta", "ETA", "", "DDIM eta (0 deterministic, 1 ancestral)"}};
}

std::vector<OptionSpec> augment_options() {
    std::vector<OptionSpec> options = {
        {"iterations", "I", "", "most diffusion iterations before the stopping rule must have triggered (checkpoints 1000, 2000, 4000, ...)"},
        {"probe", "P", "", "generated samples for Var[E] at each checkpoint"}};
    for (const OptionSpec& option : diffusion_options()) options.push_back(option);
    options.push_back({"ema", "D", "0", "sample from a moving average of the weights (beyond the paper; 0 = off; e.g. 0.999)"});
    return options;
}

float ema_decay_from_args(const Args& args) {
    double decay = arg_double(args, "ema");
    if (!(decay >= 0.0 && decay < 1.0)) throw UsageError("--ema must be in [0, 1) (0 = off; e.g. 0.999)");
    return (float)decay;
}

std::vector<std::pair<std::string, std::string>> augment_design_params(const AugmentSettings& settings,
                                                                      const SolverChoice& solver, uint64_t seed) {
    std::vector<std::pair<std::string, std::string>> params = {
        {"max_iter", std::to_string(settings.max_iterations)}, {"probe", std::to_string(settings.probe_count)},
        {"sampler", sampler_name(settings.sampler)}, {"eps", erasure_grid_text(solver.grid)}, {"seed", std::to_string(seed)}};
    if (solver.kind != SolverKind::Erasure) params.push_back({"solver", solver_name(solver)});
    if (settings.ema_decay > 0.0f) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", settings.ema_decay);  // "0.999", not the float's 0.99900001…
        params.push_back({"ema", text});
    }
    return params;
}

std::vector<std::pair<std::string, std::string>> augment_design_params(const AugmentSettings& settings,
                                                                      const ErasureGrid& grid, uint64_t seed) {
    SolverChoice erasure;
    erasure.grid = grid;
    return augment_design_params(settings, erasure, seed);
}

AugmentSettings augment_settings_from_args(const Args& args, bool paper, long quick_iterations, long quick_probe,
                                           int threads) {
    AugmentSettings settings;
    settings.max_iterations = arg_int_or(args, "iterations", paper ? 512000 : quick_iterations);
    settings.probe_count = arg_int_or(args, "probe", paper ? 10000 : quick_probe);
    settings.batch = (int)arg_int_in_range(args, "batch", 1, 65536);
    settings.sampler = sampler_from_args(args, paper ? SamplerOptions() : quick_sampler());
    settings.threads = threads;
    settings.quiet = arg_flag(args, "quiet");
    settings.ema_decay = ema_decay_from_args(args);
    if (settings.max_iterations < settings.first_checkpoint || settings.probe_count < 10 || settings.batch < 1)
        throw UsageError("need --iterations >= 1000, --probe >= 10, --batch >= 1");
    return settings;
}

std::string sampler_name(const SamplerOptions& sampler) {
    if (sampler.kind == SamplerKind::ddpm) return "ddpm";
    char text[64];
    std::snprintf(text, sizeof text, "ddim%deta%g", sampler.steps, sampler.eta);
    return text;
}

std::string estimate_text(const Estimate& estimate, const char* format) {
    char mean[64], sd[64];
    std::snprintf(mean, sizeof mean, format, estimate.mean);
    if (estimate.count < 2 || std::isnan(estimate.sd)) return mean;
    std::snprintf(sd, sizeof sd, format, estimate.sd);
    return std::string(mean) + " ± " + sd;
}

std::string sd_cell(const Estimate& estimate) {
    return (estimate.count < 2 || std::isnan(estimate.sd)) ? std::string() : csv_number(estimate.sd);
}

std::vector<OptionSpec> erasure_options() {
    return {{"eps-count", "K", "81", "values on the erasure machine's epsilon grid 0.1..0.9"},
            {"eps-stride", "S", "", "1 = run every epsilon; S > 1 = every S-th, then all within S-1 of the best "
                                    "(quick 6, paper 1)"}};
}

ErasureGrid erasure_grid_from_args(const Args& args, bool paper) {
    ErasureGrid grid;
    grid.count = (int)arg_int_in_range(args, "eps-count", 1, 10000);
    grid.stride = arg_given(args, "eps-stride") ? (int)arg_int_in_range(args, "eps-stride", 1, 100000)
                                                : (paper ? 1 : QUICK_EPS_STRIDE);
    if (grid.count < 1 || grid.count > 10000 || grid.stride < 1) throw UsageError("need 1 <= eps-count <= 10000 and eps-stride >= 1");
    return grid;
}

std::string erasure_grid_text(const ErasureGrid& grid) {
    std::string text = std::to_string(grid.count) + " values in [0.1, 0.9]";
    if (grid.stride > 1) text += ", scanned with stride " + std::to_string(grid.stride);
    return text;
}

void write_ensemble_run_info(const std::string& out, int argc, char** argv, const std::string& scale, uint64_t seed,
                             double wall_seconds, int threads, const MergeResult& merged, size_t design_size) {
    char wall[32], job_seconds[32];
    std::snprintf(wall, sizeof wall, "%.0f", wall_seconds);
    std::snprintf(job_seconds, sizeof job_seconds, "%.0f", merged.job_seconds_total);
    write_run_info(out + "/run_info.csv",
                   {{"command", command_line_text(argc, argv)}, {"scale", scale}, {"seed", std::to_string(seed)},
                    {"wall_seconds", wall}, {"threads", std::to_string(threads)},
                    {"jobs", std::to_string(merged.jobs_done) + " of " + std::to_string(design_size)},
                    {"job_seconds_total", job_seconds}});
}

std::string claims_markdown(const std::vector<Claim>& claims) {
    std::string md = "## Claims\n\n| claim | measured | verdict |\n|---|---|---|\n";
    for (const Claim& claim : claims)
        md += "| " + markdown_cell(claim.text) + " | " + markdown_cell(claim.measured) + " | " + verdict_name(claim.verdict) + " |\n";
    return md;
}
