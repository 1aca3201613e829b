// The steps every figure shares (Sec. III A): SK data with a train/test split, inference with the erasure
// machine, and diffusion augmentation stopped by the energy-variance rule. Figures call these; so does
// `repro augment --stop energy-variance`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../data/formats.h"
#include "../data/rng.h"
#include "../diffusion/diffusion.h"
#include "../ising/erasure.h"
#include "../ising/moments.h"
#include "args.h"
#include "jobs.h"
#include "report.h"
#include "stopping.h"

// A seed for one purpose of one run, derived from the run's --seed so that every stage has its own stream and a
// change in one stage (say, a longer training) does not shift the random numbers of another.
uint64_t derive_seed(uint64_t seed, uint64_t purpose);
// The seed of one member of one SK point (n, g, M): derived from --seed and a hash of the text "sk/n=…/g=…/M=…/member=…",
// so it depends on what the point is, not on which figure asks or where the point sits in a design. Every figure
// that derives its data, diffusion model and samples for a point from it draws the same data and trains the same
// model for the same member (the observed-only MSE of fig2 member k equals fig3's, fig4's and fig5's).
uint64_t sk_point_seed(uint64_t seed, int n, double g, int M, int member);

// Sec. III A steps 1–2: true parameters b, w ~ N(0, g²/n) and 2M Metropolis samples, the first M for training and
// the rest for testing (the paper's split).
struct SkData {
    IsingParams truth;
    Samples train, test;
};
SkData make_sk_data(int n, double g, int train_count, int test_count, uint64_t seed, int threads);

Samples sample_rows(const Samples& samples, long first, long count);
Samples samples_concat(const Samples& a, const Samples& b);
// `count` rows drawn uniformly with replacement (the "bootstrap" control: what mere replication gives).
Samples bootstrap_samples(const Samples& samples, long count, Rng* rng);

// The ε grid of the erasure machine: `count` values in 0.1 … 0.9. stride > 1 runs every stride-th ε and then every
// ε within stride − 1 of the best (ising/erasure.h): the same choice whenever ⟨E⟩ has a single peak, ~3× faster.
struct ErasureGrid {
    int count = 81;
    int stride = 1;
};
// --eps-count (default 81) and --eps-stride (default: 1 at paper scale, QUICK_EPS_STRIDE at quick scale).
constexpr int QUICK_EPS_STRIDE = 6;
std::vector<OptionSpec> erasure_options();
ErasureGrid erasure_grid_from_args(const Args& args, bool paper);
std::string erasure_grid_text(const ErasureGrid& grid);

// The erasure machine with the project's defaults (100 iterations, γ = 0.1) on the grid, on `threads`.
ErasureResult infer_erasure(const Samples& samples, const ErasureGrid& grid, int threads, uint64_t seed);

// The solver of a pipeline (beyond the paper, whose solver is the erasure machine): --solver em|plm|mf.
//   em   the erasure machine (ising/erasure.h) on `grid`, the paper's and the default
//   plm  pseudo-likelihood (ising/plm.h) with the L2 penalty `plm_lambda` (0: the plain estimator), or with λ chosen
//        by 5-fold cross-validation of the held-out pseudo-likelihood when plm_lambda_auto
//   mf   naive mean field (ising/meanfield.h)
enum class SolverKind { Erasure, Plm, MeanField };
struct SolverChoice {
    SolverKind kind = SolverKind::Erasure;
    ErasureGrid grid;
    double plm_lambda = 0.0;
    bool plm_lambda_auto = false;
};
struct Inference {
    IsingParams params;
    double eps = 0.0;     // the erasure machine's chosen ε (0 for the other solvers)
    double lambda = 0.0;  // PLM's λ (chosen, with plm_lambda_auto)
};
Inference infer_with(const Samples& samples, const SolverChoice& solver, int threads, uint64_t seed);
// "em", "plm", "plm-auto", "mf" (for design parameters, column names and summaries).
std::string solver_name(const SolverChoice& solver);
// --solver em|plm|mf and --lambda L|auto, added to erasure_options() by the figures that take them.
std::vector<OptionSpec> solver_options();
// The solver from --solver/--lambda with the erasure grid from erasure_grid_from_args.
SolverChoice solver_from_args(const Args& args, bool paper);

// Generates `count` ±1 samples from the model (analog bits).
Samples generate_samples(const DiffusionModel& model, long count, const SamplerOptions& sampler, uint64_t seed,
                         int threads, bool quiet);

// Diffusion augmentation with energy-variance stopping (Sec. III A, Fig. 2f; Fig. 6b): train on `train`,
// checkpoint on the doubling schedule first_checkpoint … max_iterations; at each checkpoint generate
// `probe_count` samples and take Var[E] under `params_obs` (inferred from the training data alone); stop at the
// first checkpoint where it comes down to `variance_target` (Var[E(test)]), choose between that checkpoint and
// the one before by the interpolated crossing, and generate `augmented_count` samples from the chosen one.
struct AugmentSettings {
    int batch = 256;
    long first_checkpoint = 1000;
    long max_iterations = 32000;
    long probe_count = 5000;
    float ema_decay = 0.0f;  // moving average of the weights (diffusion.h); 0 = off, as in the paper and the figures
    SamplerOptions sampler;
    int threads = 1;
    bool quiet = false;
    // For `repro augment` (the figures leave these empty): other encoder widths (0: diffusion_config_for(n)); the
    // training state saved to checkpoint_dir/ckpt.bin every checkpoint_every iterations and at each rule
    // checkpoint, with the rule's state (rule_previous.bin, rule_trace.csv) next to it; resume_path continues such
    // a run; save_model_path receives the chosen checkpoint (repro generate draws more samples from it).
    int widths[3] = {0, 0, 0};
    long checkpoint_every = 0;
    std::string checkpoint_dir, resume_path, save_model_path;
};
struct AugmentTrace {
    std::vector<long> iterations;      // checkpoints visited
    std::vector<double> variance;      // Var[E] of the probe at each
    std::vector<MomentDistance> fidelity;  // the probe's moments against the training data's (ising/moments.h)
    StopDecision stop;                 // index into iterations
    long chosen_iteration = 0;
    double seconds_training = 0, seconds_sampling = 0;
};
Samples augment_energy_variance_stopped(const Samples& train, const IsingParams& params_obs, double variance_target,
                                        long augmented_count, const AugmentSettings& settings, uint64_t seed,
                                        AugmentTrace* trace);

// "mean |dm| 0.031, mean |dC| 0.025" for logs and summaries.
std::string fidelity_text(const MomentDistance& distance);

// --sampler ddpm|ddim, --steps S, --eta E (each optional; `fallback` fills what is not given).
SamplerOptions sampler_from_args(const Args& args, const SamplerOptions& fallback);

// The sampler of every figure at --scale quick (README, "Quick scale", gives the measurement behind it); at
// --scale paper the figures use DDPM with all T = 1000 steps, as the paper did.
SamplerOptions quick_sampler();

// One synthetic experiment of Figs. 3–4 (Sec. III A): SK data (n, g; M train + M test), the erasure machine on the
// observed data, a diffusion model stopped by the energy-variance rule, and the erasure machine on the first m
// augmented samples for every m in augmented_counts (alone, and with the observed data when with_union).
struct SkAugmentResult {
    double mse_obs = 0, var_train = 0, var_test = 0, eps_obs = 0;
    std::vector<long> augmented_counts;
    std::vector<double> mse_aug, mse_aug_obs, eps_aug;  // per augmented count (mse_aug_obs empty without union)
    AugmentTrace trace;
};
SkAugmentResult run_sk_augmentation(int n, double g, int M, const std::vector<long>& augmented_counts, bool with_union,
                                    const AugmentSettings& settings, const SolverChoice& solver, uint64_t seed);

// Per-figure design values that depend on --scale: "1000,2000,4000" → numbers.
std::vector<long> parse_long_list(const std::string& text, const std::string& option);
std::vector<double> parse_double_list(const std::string& text, const std::string& option);

// Options shared by the ensemble figures (fig3–fig6) for the diffusion augmentation: --iterations, --probe,
// diffusion_options() and --ema; and the settings they give at a scale (quick/paper defaults in the caller).
std::vector<OptionSpec> augment_options();
// The part fig2 shares with them: --batch, --sampler, --steps, --eta.
std::vector<OptionSpec> diffusion_options();
AugmentSettings augment_settings_from_args(const Args& args, bool paper, long quick_iterations, long quick_probe,
                                           int threads);
// The command line of an ensemble figure (fig3–fig7): --scale and --out first, the figure's own options, then the
// shared ones (erasure_options, solver_options when `takes_solver`, augment_options, job_options), parsed with
// `usage` and `description` for --help. `paper_design` describes --scale paper in the help. Checks --scale; *paper
// tells whether it is "paper". Figures that run several solvers themselves (fig6, fig7) pass takes_solver = false.
Args parse_ensemble_figure_args(int argc, char** argv, const std::string& figure, const std::string& paper_design,
                                const std::vector<OptionSpec>& own, const std::string& usage,
                                const std::string& description, bool* paper, bool takes_solver = true);
// --ema D: the moving average of the weights (diffusion.h, DiffusionConfig::ema_decay), checked to be in [0, 1).
float ema_decay_from_args(const Args& args);
// The design parameters every augmenting figure (fig3–fig6) ends its jobs with: max_iter, probe, sampler, eps, seed,
// ema only when --ema is set (D > 0) and solver only when it is not the erasure machine, so designs without them,
// and the parts they produced, stay as they were.
std::vector<std::pair<std::string, std::string>> augment_design_params(const AugmentSettings& settings,
                                                                      const SolverChoice& solver, uint64_t seed);
std::vector<std::pair<std::string, std::string>> augment_design_params(const AugmentSettings& settings,
                                                                      const ErasureGrid& grid, uint64_t seed);
// A short name of the sampler for design parameters and summaries: "ddpm" or "ddim100eta1".
std::string sampler_name(const SamplerOptions& sampler);

// run_info.csv of an ensemble figure: command, scale, seed, wall time of this invocation, threads, jobs merged and
// their summed job time (what the README's CPU-hour estimates use).
void write_ensemble_run_info(const std::string& out, int argc, char** argv, const std::string& scale, uint64_t seed,
                             double wall_seconds, int threads, const MergeResult& merged, size_t design_size);
// The "## Claims" section of a summary.md: one table row per claim.
std::string claims_markdown(const std::vector<Claim>& claims);

// "0.00412 ± 0.00031" (or just the mean when there is no sd), for summaries.
std::string estimate_text(const Estimate& estimate, const char* format = "%.5f");
// Cell text for an sd column: empty when undefined (fewer than two runs).
std::string sd_cell(const Estimate& estimate);
