// repro augment: Sec. III A step 3 from the command line. Trains the DDPM of Appendix A on ±1 samples and writes
// M⁺ generated samples (analog bits) in the samples format, with optional checkpoints and resumption.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../data/clock.h"
#include "../data/atomic_file.h"
#include "../diffusion/progress.h"
#include "../data/formats.h"
#include "../data/output_gate.h"
#include "../diffusion/diffusion.h"
#include "../ising/energy.h"
#include "../ising/moments.h"
#include "../method/appendix_a.h"
#include "../method/augment.h"
#include "../method/training_recipe.h"
#include "../method/seeds.h"
#include "../method/solvers.h"
#include "../report/csv.h"
#include "../runner/args.h"
#include "commands.h"
#include "inputs.h"
#include "../figures/method_options.h"

// "128,256,512" → three encoder widths.
static void parse_widths(const std::string& text, int widths[3]) {
    std::vector<long> values = parse_long_list(text, "widths");
    if (values.size() != 3 || *std::max_element(values.begin(), values.end()) > 100000)
        throw UsageError("--widths needs three positive integers like 128,256,512, got '" + text + "'");
    std::copy(values.begin(), values.end(), widths);
}

// What a checkpoint cannot record but a resumed run must share with the run that wrote it, kept next to it in
// CHECKPOINT.run.txt (written in the same all-or-nothing group): the training data (a hash of the spins), the batch
// size, --seed (it seeds the sampling) and --threads (training sums in per-thread order).
static std::string run_record(const Samples& train, int batch, uint64_t seed, int threads) {
    uint64_t hash = 1469598103934665603ull;  // FNV-1a over n, M and the spins
    auto mix = [&](uint64_t value) {
        for (int k = 0; k < 8; k++) hash = (hash ^ ((value >> (8 * k)) & 0xFF)) * 1099511628211ull;
    };
    mix((uint64_t)train.n);
    mix((uint64_t)train.count);
    for (float spin : train.spins) mix(spin > 0 ? 1 : 0);
    char text[256];
    std::snprintf(text, sizeof text, "data %016llx\nbatch %d\nseed %llu\nthreads %d\n", (unsigned long long)hash,
                  batch, (unsigned long long)seed, threads);
    return text;
}

static std::string record_field(const std::string& record, const std::string& key) {
    size_t at = record.find(key + " ");
    if (at == std::string::npos) return "";
    size_t end = record.find('\n', at);
    return record.substr(at + key.size() + 1, end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
}

// --resume: different data or batch would continue another run than the one checkpointed (refused); a different
// seed or thread count gives a valid run that differs from the uninterrupted one (a warning).
static void check_resume_record(const std::string& checkpoint, const std::string& now, const std::string& train_path) {
    std::string path = checkpoint + ".run.txt";
    if (!path_exists(path)) {
        // A warning even with --quiet: a --save-model file or a checkpoint of other data would continue silently.
        std::fprintf(stderr, "augment: warning: %s has no %s (a --save-model file, or written by older versions): data, "
                     "batch, seed and threads cannot be compared with the run that wrote it\n", checkpoint.c_str(), path.c_str());
        return;
    }
    std::string then = read_file(path);
    if (record_field(then, "data") != record_field(now, "data"))
        throw UsageError("--resume " + checkpoint + " was trained on other data than " + train_path + " (see " + path +
                         "); resuming would mix two data sets");
    if (record_field(then, "batch") != record_field(now, "batch"))
        throw UsageError("--resume " + checkpoint + " was trained with --batch " + record_field(then, "batch") +
                         ", not " + record_field(now, "batch"));
    for (const char* key : {"seed", "threads"})
        if (record_field(then, key) != record_field(now, key))
            std::fprintf(stderr, "augment: warning: --%s %s differs from the %s of the checkpointed run (%s): the result "
                         "will differ from an uninterrupted run\n", key, record_field(now, key).c_str(),
                         record_field(then, key).c_str(), key);
}

// Generator fidelity (ising/moments.h): the generated set's first two moments against the training data, and with a
// test set also against it, next to the yardstick — the training data against the test data, which differ only by
// finite-M noise. A ratio near 1 means the generator is as faithful as the data can show.
static void report_fidelity(const Samples& generated, const Samples& train, const Samples* test) {
    Moments generated_moments = sample_moments(generated), train_moments = sample_moments(train);
    std::fprintf(stderr, "augment: fidelity, generated vs training data: %s\n",
                 fidelity_text(moment_distance(generated_moments, train_moments)).c_str());
    if (!test) return;
    Moments test_moments = sample_moments(*test);
    MomentDistance generated_test = moment_distance(generated_moments, test_moments);
    MomentDistance yardstick = moment_distance(train_moments, test_moments);
    if (!(yardstick.magnetisation > 0) || !(yardstick.correlation > 0)) {  // --test with the training data's moments
        std::fprintf(stderr, "augment: fidelity, generated vs test data: %s; the test data have the training data's "
                     "moments (the same file?), so there is no yardstick to compare with\n",
                     fidelity_text(generated_test).c_str());
        return;
    }
    std::fprintf(stderr, "augment: fidelity, generated vs test data: %s; training vs test data (the yardstick): %s; "
                 "the generator is %.2fx (magnetisations) and %.2fx (correlations) as far from the test data as the "
                 "training data are\n", fidelity_text(generated_test).c_str(), fidelity_text(yardstick).c_str(),
                 generated_test.magnetisation / yardstick.magnetisation, generated_test.correlation / yardstick.correlation);
}

// The folder of the rule's files (rule_previous.bin, rule_trace.csv): --checkpoint-dir, or next to the --resume file.
static std::string rule_folder(const std::string& checkpoint_dir, const std::string& resume_path) {
    if (!checkpoint_dir.empty()) return checkpoint_dir;
    size_t slash = resume_path.rfind('/');
    return slash == std::string::npos ? "." : resume_path.substr(0, slash);
}

// Every file augment reads and writes, declared to the gate before training (hours) and sampling; returns the
// checkpoint file (empty without --checkpoint-every). The checkpoint and its side files may be the --resume file and
// its side files (a run continued in place); --out and --save-model may be no input.
static std::string checked_outputs(FileGate* gate, const Args& args, const std::string& out_path, long checkpoint_every) {
    std::string checkpoint_dir;
    if (checkpoint_every > 0) {
        if (!arg_given(args, "checkpoint-dir")) throw UsageError("--checkpoint-every needs --checkpoint-dir");
        checkpoint_dir = arg_string(args, "checkpoint-dir");
    } else if (arg_given(args, "checkpoint-dir")) {
        throw UsageError("--checkpoint-dir needs --checkpoint-every K");
    }
    const std::string resume = arg_given(args, "resume") ? arg_string(args, "resume") : "";
    const bool rule = arg_string(args, "stop") == "energy-variance";
    for (const std::string& input : args.positional) gate->input("the input TRAIN", input);
    gate->input("--test", arg_given(args, "test") ? arg_string(args, "test") : "");
    gate->input("--resume", resume);
    if (!resume.empty()) {
        gate->input("the run record of --resume", resume + ".run.txt");
        std::string folder = rule_folder(checkpoint_dir, resume);
        if (rule) gate->input("the rule's trace of --resume", folder + "/rule_trace.csv");
        if (rule) gate->input("the rule's previous model of --resume", folder + "/rule_previous.bin");
    }
    gate->output("--out", out_path, true);
    gate->output("--save-model", arg_given(args, "save-model") ? arg_string(args, "save-model") : "");
    const std::string checkpoint_path = checkpoint_dir.empty() ? "" : checkpoint_dir + "/ckpt.bin";
    if (!checkpoint_path.empty()) {
        gate->output("the checkpoint (--checkpoint-dir)", checkpoint_path, false, "--resume");
        gate->output("the checkpoint's run record (--checkpoint-dir)", checkpoint_path + ".run.txt", false,
                     "the run record of --resume");
        if (rule) {
            gate->output("the rule's trace (--checkpoint-dir)", checkpoint_dir + "/rule_trace.csv", false,
                         "the rule's trace of --resume");
            gate->output("the rule's previous model (--checkpoint-dir)", checkpoint_dir + "/rule_previous.bin", false,
                         "the rule's previous model of --resume");
        }
    }
    gate->check();
    return checkpoint_path;
}

// A rough estimate of the whole run, printed at the start: training and sampling rates timed on a throw-away model
// of the same size (diffusion_measure_rates; the run itself is untouched), times the work ahead. `upper_bound`: the
// energy-variance rule may stop before its budget.
static void print_run_estimate(const DiffusionConfig& config, const Samples& train, long iterations, long samples,
                               const SamplerOptions& sampler, int batch, int threads, bool upper_bound) {
    DiffusionModel trial;
    diffusion_init(&trial, config, 12345);
    DiffusionRates rates = diffusion_measure_rates(&trial, train.spins.data(), train.count, sampler, batch, threads);
    double train_seconds = iterations * rates.seconds_per_iteration, sample_seconds = samples * rates.seconds_per_sample;
    std::fprintf(stderr, "augment: estimated time%s: training %.0f s (%ld iterations at %.0f it/s), sampling %.0f s "
                 "(%ld samples), total %.1f min\n", upper_bound ? " at most" : "", train_seconds, iterations,
                 1.0 / rates.seconds_per_iteration, sample_seconds, samples, (train_seconds + sample_seconds) / 60);
}

// The files of --stop energy-variance that let an interrupted run continue: the training state saved to
// checkpoint_dir/ckpt.bin every --checkpoint-every iterations, with the rule's state next to it (rule_previous.bin:
// the model at the last rule checkpoint, where the crossing may be chosen; rule_trace.csv: Var[E] at every rule
// checkpoint so far); resume_path continues such a run; save_model_path receives the chosen checkpoint (repro
// generate draws more samples from it).
struct RuleFiles {
    std::string checkpoint_dir, resume_path, save_model_path;
};

static std::string rule_file(const RuleFiles& files, const char* name) {
    return rule_folder(files.checkpoint_dir, files.resume_path) + "/" + name;  // without --checkpoint-dir: next to --resume
}

// The resumed model and, when the run got past its first rule checkpoint, the rule's state saved next to it.
static AugmentResume read_rule_resume(const RuleFiles& files, int n) {
    AugmentResume resume;
    checkpoint_load(&resume.model, files.resume_path);
    if (resume.model.config.denoiser.n != n)
        throw std::runtime_error(files.resume_path + ": the checkpoint is for n = " +
                                 std::to_string(resume.model.config.denoiser.n) + " spins, the data have n = " + std::to_string(n));
    std::string trace_path = rule_file(files, "rule_trace.csv");
    if (!path_exists(trace_path)) return resume;  // interrupted before the first rule checkpoint
    CsvTable table = csv_read(trace_path);
    for (size_t row = 0; row < table.rows.size(); row++) {
        resume.trace.iterations.push_back(csv_int(table, row, "iteration"));
        resume.trace.variance.push_back(csv_double(table, row, "var_e_aug"));
    }
    checkpoint_load(&resume.previous, rule_file(files, "rule_previous.bin"));
    return resume;
}

// Saves the training state, the rule's state and the chosen model as the run goes.
static AugmentObserver rule_files_observer(const RuleFiles& files) {
    AugmentObserver observer;
    if (!files.checkpoint_dir.empty()) {
        observer.trained = [files](const DiffusionModel& model) { checkpoint_save(model, files.checkpoint_dir + "/ckpt.bin"); };
        observer.rule_checkpoint = [files](const DiffusionModel& previous, const AugmentTrace& trace) {
            checkpoint_save(previous, rule_file(files, "rule_previous.bin"));
            CsvTable table = csv_table({"iteration", "var_e_aug"});
            for (size_t k = 0; k < trace.iterations.size(); k++)
                csv_add_row(&table, {csv_integer(trace.iterations[k]), csv_number(trace.variance[k])});
            csv_write(rule_file(files, "rule_trace.csv"), table);
        };
    }
    if (!files.save_model_path.empty())
        observer.chosen = [files](const DiffusionModel& chosen) { checkpoint_save(chosen, files.save_model_path); };
    return observer;
}

// --stop energy-variance: the paper's method (method/augment.h) on the user's own data.
static int augment_stopped_by_energy_variance(const Args& args, const Samples& train, const std::string& out_path,
                                              const SampleFormat& out_format, long augmented_count, long iterations,
                                              int batch, const SamplerOptions& sampler, uint64_t seed, int threads,
                                              bool quiet) {
    if (!arg_given(args, "test")) throw UsageError("--stop energy-variance needs --test FILE (held-out samples)");
    SampleFormat test_format;
    Samples test = read_samples(arg_string(args, "test"), sample_read_options(args, quiet), &test_format);
    require_same_n(arg_string(args, "test"), test.n, args.positional[0], train.n);
    match_columns_by_name(out_format.names, arg_string(args, "test"), &test, test_format, args.positional[0], quiet);
    AugmentSettings settings;
    settings.batch = batch;
    settings.max_iterations = iterations;
    settings.probe_count = (long)arg_int_in_range(args, "probe", 10, 100000000);
    settings.ema_decay = ema_decay_from_args(args);
    settings.recipe = recipe_from_args(args);
    settings.sampler = sampler;
    settings.threads = threads;
    augment_display(&settings, quiet);
    if (arg_given(args, "widths")) parse_widths(arg_string(args, "widths"), settings.widths);
    RuleFiles files;
    settings.segment_iterations = (long)arg_int_in_range(args, "checkpoint-every", 0, 1000000000);
    if (settings.segment_iterations > 0) files.checkpoint_dir = arg_string(args, "checkpoint-dir");
    if (arg_given(args, "resume")) files.resume_path = arg_string(args, "resume");
    if (arg_given(args, "save-model")) files.save_model_path = arg_string(args, "save-model");
    if (iterations < settings.first_checkpoint) throw UsageError("--stop energy-variance needs --iterations >= 1000");
    if (!quiet) {
        DiffusionConfig config = diffusion_config_for(train.n);
        if (settings.widths[0] > 0) std::copy(settings.widths, settings.widths + 3, config.denoiser.widths);
        long checkpoints = (long)doubling_schedule(settings.first_checkpoint, iterations).size();
        print_run_estimate(config, train, iterations, augmented_count + checkpoints * settings.probe_count, sampler,
                           batch, threads, true);
    }
    SolverChoice solver = solver_from_args(args, true);  // the erasure machine on the full grid unless --solver
    if (!quiet)
        std::fprintf(stderr, "augment: %s on %s for the energies\n", solver_name(solver).c_str(), paths_text(args.positional).c_str());
    Inference observed = infer_with(train, solver, threads, derive_seed(seed, 10));
    double var_train = energy_stats(observed.params, train).variance;
    double var_test = energy_stats(observed.params, test).variance;
    if (!quiet) std::fprintf(stderr, "augment: Var[E] train %.3f, test %.3f (the target)\n", var_train, var_test);
    AugmentTrace trace;
    AugmentResume resume;
    if (!files.resume_path.empty()) resume = read_rule_resume(files, train.n);
    AugmentObserver observer = rule_files_observer(files);
    Samples augmented = augment_energy_variance_stopped(train, observed.params, var_test, augmented_count, settings, seed,
                                                        &trace, files.resume_path.empty() ? nullptr : &resume, &observer);
    write_samples(out_path, augmented, out_format);
    if (!quiet)
        std::fprintf(stderr, "augment: %s at iteration %ld; wrote %ld samples to %s\n",
                 trace.stop.crossed ? "stopped by the energy-variance rule" : "rule never triggered, stopped at the budget",
                 trace.chosen_iteration, augmented_count, out_path.c_str());
    report_fidelity(augmented, train, &test);
    if (!trace.stop.crossed)
        std::fprintf(stderr, "warning: Var[E] of the generated samples never came down to the test value within "
                     "--iterations %ld: the model may be under-trained; a larger budget may help\n", iterations);
    // The rule's trace, as CSV on stderr (stdout stays free for --out -).
    if (!quiet) {
        std::fprintf(stderr, "iteration,var_e_aug\n");
        for (size_t k = 0; k < trace.iterations.size(); k++)
            std::fprintf(stderr, "%ld,%.6g\n", trace.iterations[k], trace.variance[k]);
    }
    return 0;
}

// The options of repro augment, for parse_args and --help.
static std::vector<OptionSpec> augment_command_options() {
    std::vector<OptionSpec> options = {{"out", "FILE", "", "where to write the augmented samples (required)"},
            {"M-plus", "M", "100000", "number of samples to generate"},
            {"iterations", "I", "32000", "total training iterations (a resumed run continues up to I)"},
            {"batch", "B", "256", "minibatch size"},
            {"sampler", "KIND", "ddim", "ddim or ddpm (all T steps; the paper's)"},
            {"steps", "S", "200", "DDIM steps (with --sampler ddim)"},
            {"eta", "E", "1", "DDIM eta: 0 deterministic (loses the augmentation gain; docs/scales.md), 1 ancestral"},
            {"widths", "W1,W2,W3", "", "encoder widths, overriding Appendix A's for n"},
            {"checkpoint-every", "K", "0", "save the training state every K iterations (0: no checkpoints)"},
            {"checkpoint-dir", "D", "", "directory of the checkpoint file ckpt.bin"},
            {"resume", "FILE", "", "continue from this checkpoint"},
            {"save-model", "MODEL", "", "write the model the samples came from (a checkpoint file) for repro generate"},
            {"stop", "RULE", "none", "none (train exactly --iterations) or energy-variance (Sec. III A: stop where Var[E] of\n"
             "                             generated samples comes down to Var[E] of --test; --iterations is then the budget)"},
            {"test", "FILE", "", "held-out samples for --stop energy-variance"},
            {"probe", "P", "5000", "generated samples for Var[E] at each checkpoint (--stop energy-variance)"},
            {"ema", "D", "0", "sample from a moving average of the weights (beyond the paper; 0 = off; e.g. 0.999)"},
            recipe_option(),
            sample_format_option(),
            {"header", "", "", "the first line of TRAIN (and TEST) is a header of column names even if it looks like numbers"},
            {"var", "NAME", "", ".mat input: the variable holding the samples (rows = samples)"}};
    // With --stop energy-variance: the solver whose parameters define E(sigma), the same options as the figures'.
    for (const std::vector<OptionSpec>& group : {solver_options(), erasure_options(false)})
        for (OptionSpec option : group) {
            option.help = "--stop energy-variance, " + option.help;
            options.push_back(option);
        }
    return options;
}

// A fresh model (Appendix A's network for n, or --widths), once its memory is known to fit.
static void fresh_model(DiffusionModel* model, const Args& args, const Samples& train, int batch, uint64_t seed,
                        int threads) {
    DiffusionConfig config = diffusion_config_for(train.n);
    if (arg_given(args, "widths")) parse_widths(arg_string(args, "widths"), config.denoiser.widths);
    apply_training_recipe(recipe_from_args(args), &config);
    config.ema_decay = ema_decay_from_args(args);
    // Weights, gradients, two Adam moments and the average (4 bytes each, a gradient per thread), and the
    // activations of a batch (a generous 32 floats per unit of width).
    const int* w = config.denoiser.widths;
    require_memory(4.0 * denoiser_param_count(config.denoiser) * (4 + threads) +
                       4.0 * 32 * batch * (w[0] + w[1] + w[2] + train.n + config.denoiser.embed_dim),
                   "a denoiser with widths " + std::to_string(w[0]) + "," + std::to_string(w[1]) + "," +
                       std::to_string(w[2]) + " for n = " + std::to_string(train.n));
    diffusion_init(model, config, derive_seed(seed, 2));
}

// The model of a --stop none run: loaded from --resume (checked against the data and the options), or fresh.
static void start_model(const Args& args, const Samples& train, long iterations, uint64_t seed, int batch, int threads,
                        const std::string& record, DiffusionModel* model) {
    if (!arg_given(args, "resume")) {
        fresh_model(model, args, train, batch, seed, threads);
        return;
    }
    checkpoint_load(model, arg_string(args, "resume"));
    check_resume_record(arg_string(args, "resume"), record, paths_text(args.positional));
    if (model->config.denoiser.n != train.n)
        throw std::runtime_error(arg_string(args, "resume") + ": the checkpoint is for n = " +
                                 std::to_string(model->config.denoiser.n) + " spins but " + args.positional[0] +
                                 " has n = " + std::to_string(train.n));
    if (arg_given(args, "widths")) {
        int widths[3];
        parse_widths(arg_string(args, "widths"), widths);
        for (int k = 0; k < 3; k++)
            if (widths[k] != model->config.denoiser.widths[k])
                throw UsageError("--widths differs from the widths stored in the checkpoint");
    }
    if (arg_given(args, "ema") && ema_decay_from_args(args) != model->config.ema_decay)
        throw UsageError("--ema differs from the EMA decay stored in the checkpoint");
    DiffusionConfig recipe = model->config;  // --recipe given: its training fields must be the checkpoint's
    if (arg_given(args, "recipe")) apply_training_recipe(recipe_from_args(args), &recipe);
    if (recipe.adam.learning_rate != model->config.adam.learning_rate || recipe.lr_warmup != model->config.lr_warmup ||
        recipe.lr_horizon != model->config.lr_horizon || recipe.t_importance != model->config.t_importance)
        throw UsageError("--recipe differs from the training recipe stored in the checkpoint");
    if (model->iteration > iterations)
        throw UsageError("the checkpoint is already at iteration " + std::to_string(model->iteration) +
                         ", past --iterations " + std::to_string(iterations));
}

int command_augment(int argc, char** argv) {
    Args args = parse_args(
        argc, argv, 2,
        "repro augment TRAIN... --out AUGMENTED [--M-plus M] [--iterations I] [--batch B] [--sampler ddpm|ddim "
        "--steps S --eta E] [--recipe paper|fast] [--widths W1,W2,W3] [--checkpoint-every K --checkpoint-dir D] [--resume FILE] "
        "[--stop none|energy-variance --test TEST --probe P] [--save-model MODEL] [--format pm1|01]",
        "Trains the diffusion model of the paper (DDPM, MLP denoiser of Appendix A, T = 1000, Adam lr 1e-4) on the\n"
        "samples in TRAIN (one or more files read as one data set, as in repro infer: headers matched by name) for\n"
        "I iterations (Adam steps on minibatches of B), then generates M samples (default:\n"
        "DDIM with eta = 1 on 200 of the 1000 steps, which kept the gain of the paper's ancestral DDPM at a fifth\n"
        "of the cost (docs/scales.md, \"Quick scale\"); --sampler ddpm is the paper's; sign(x_0) gives the spins) and writes\n"
        "them to AUGMENTED ('-': standard output) in TRAIN's format: its 0/1 or -1/+1 values, delimiter and header\n"
        "(--format changes the values). At n = 40 on 2 cores (make bench: 123 it/s; DDPM sampling 928 s per\n"
        "100,000 samples) the defaults take about 4.5 min of training (32,000 iterations) and about 3 min for the\n"
        "100,000 samples (15 min with --sampler ddpm).\n"
        "Network: n = 20 without skip connections, n = 60 with widths 200,400,600, any other n 128,256,512 with\n"
        "skips; --widths overrides. With --checkpoint-every K the full training state goes to D/ckpt.bin every K\n"
        "iterations and at the end (atomic writes); --resume D/ckpt.bin continues such a run bit-identically (same\n"
        "--threads) up to --iterations, and with I equal to the checkpoint's iteration only samples.\n"
        "With --stop energy-variance --test TEST it infers the Ising parameters of TRAIN (--solver; default the\n"
        "erasure machine),\n"
        "trains to the checkpoints 1000, 2000, 4000, ... (at most I), and stops at the first checkpoint where Var[E]\n"
        "of --probe generated samples comes down to Var[E(TEST)] (the rule of Sec. III A; it picks that checkpoint or\n"
        "the one before, whichever is nearer the interpolated crossing), then generates M samples from it. With\n"
        "checkpoints, the rule's state (rule_previous.bin, rule_trace.csv) is kept in D too, so --resume D/ckpt.bin\n"
        "continues the rule where it stopped. --save-model MODEL keeps the model that generated the samples (the\n"
        "chosen checkpoint), so that `repro generate MODEL` can draw more samples later.",
        augment_command_options(), 1, 1000);
    const int threads = apply_threads(args);
    const bool quiet = arg_flag(args, "quiet");
    const uint64_t seed = (uint64_t)arg_int(args, "seed");
    const std::string out_path = arg_string(args, "out");
    const long augmented_count = (long)arg_int_in_range(args, "M-plus", 1, 100000000);
    const long iterations = (long)arg_int_in_range(args, "iterations", 0, 1000000000);
    const int batch = (int)arg_int_in_range(args, "batch", 1, 65536);
    const long checkpoint_every = (long)arg_int_in_range(args, "checkpoint-every", 0, 1000000000);
    const SamplerOptions sampler = sampler_from_args(args, quick_sampler());  // DDIM, eta 1, 200 steps
    // The rule's options act only with the rule; the solver's are checked before the data are read.
    if (arg_string(args, "stop") == "energy-variance") solver_from_args(args, true);
    else
        for (const char* option : {"probe", "solver", "lambda", "eps-count", "eps-stride"})
            if (arg_given(args, option))
                throw UsageError(std::string("--") + option + " is used only with --stop energy-variance");
    FileGate gate;
    const std::string checkpoint_path = checked_outputs(&gate, args, out_path, checkpoint_every);

    SampleFormat train_format;
    Samples train = read_sample_inputs(args.positional, sample_read_options(args, quiet), &train_format);
    const SampleFormat out_format = output_format(args, train_format);
    warn_unreliable_samples(train, train_format, quiet);
    if (iterations == 0 && !arg_given(args, "resume"))
        std::fprintf(stderr, "augment: warning: --iterations 0: sampling from an untrained network (random weights); "
                     "its samples are noise, not data like %s\n", paths_text(args.positional).c_str());
    const std::string stop = arg_string(args, "stop");
    if (stop == "energy-variance")
        return augment_stopped_by_energy_variance(args, train, out_path, out_format, augmented_count, iterations, batch,
                                                  sampler, seed, threads, quiet);
    if (stop != "none") throw UsageError("--stop must be none or energy-variance, got '" + stop + "'");
    if (arg_given(args, "test")) throw UsageError("--test is used only with --stop energy-variance");

    // The model: from a checkpoint, or fresh with the same seeds as the figures' pipeline.
    DiffusionModel model;
    const std::string record = run_record(train, batch, seed, threads);
    start_model(args, train, iterations, seed, batch, threads, record, &model);
    if (!quiet)
        std::fprintf(stderr, "augment: %d samples of n = %d; network widths %d,%d,%d%s, %ld parameters; from iteration %ld "
                     "to %ld, batch %d, %d thread(s)\n", train.count, train.n, model.config.denoiser.widths[0],
                     model.config.denoiser.widths[1], model.config.denoiser.widths[2],
                     model.config.denoiser.skip ? " with skips" : " without skips", (long)model.params.size(),
                     model.iteration, iterations, batch, threads);

    if (!quiet)
        print_run_estimate(model.config, train, iterations - model.iteration, augmented_count, sampler, batch, threads, false);
    // Training, in segments of K iterations when checkpointing.
    auto start = std::chrono::steady_clock::now();
    long first_iteration = model.iteration;
    double loss = 0.0;
    while (model.iteration < iterations) {
        long segment = iterations - model.iteration;
        if (checkpoint_every > 0 && segment > checkpoint_every) segment = checkpoint_every;
        loss = diffusion_train(&model, train.spins.data(), train.count, segment, batch, threads,
                               progress_display(quiet, "train", "it"));
        if (checkpoint_every > 0) {
            AtomicFileGroup files;
            checkpoint_save(model, checkpoint_path);
            write_file_atomic(checkpoint_path + ".run.txt", record);
            files.commit();
            if (!quiet)
                std::fprintf(stderr, "augment: iteration %ld, mean loss %.4f, checkpoint %s\n", model.iteration, loss,
                             checkpoint_path.c_str());
        }
    }
    double train_seconds = seconds_since(start);
    if (!quiet && model.iteration > first_iteration)
        std::fprintf(stderr, "augment: trained %ld iterations in %.1f s (%.1f it/s), last mean loss %.4f\n",
                     model.iteration - first_iteration, train_seconds,
                     (model.iteration - first_iteration) / train_seconds, loss);

    start = std::chrono::steady_clock::now();
    Samples augmented = generate_samples(model, augmented_count, sampler, derive_seed(seed, 3), threads,
                                         progress_display(quiet, "sample", "samples"));
    write_samples(out_path, augmented, out_format);
    if (arg_given(args, "save-model")) checkpoint_save(model, arg_string(args, "save-model"));
    if (!quiet) {
        std::string how = sampler.kind == SamplerKind::ddpm ? "DDPM, all steps"
                                                            : "DDIM, " + std::to_string(sampler.steps) + " steps";
        std::fprintf(stderr, "augment: generated %ld samples (%s) in %.1f s -> %s\n", augmented_count, how.c_str(),
                     seconds_since(start), out_path.c_str());
        report_fidelity(augmented, train, nullptr);
    }
    return 0;
}

int command_generate(int argc, char** argv) {
    Args args = parse_args(
        argc, argv, 2, "repro generate MODEL --out SAMPLES [--M-plus M] [--sampler ddpm|ddim --steps S --eta E] [--like FILE]",
        "Draws M samples from a diffusion model saved by repro augment --save-model (or any of its checkpoints) and\n"
        "writes them ('-': standard output). The samples come from --seed as in augment: the same --seed and sampler\n"
        "as the augment run give its samples again; another --seed gives new ones. --like FILE writes them in the\n"
        "format of that samples file (its 0/1 or -1/+1 values, delimiter and header), e.g. the training data.",
        {{"out", "FILE", "", "where to write the samples (required)"},
         {"M-plus", "M", "100000", "number of samples to generate"},
         {"sampler", "KIND", "ddim", "ddim or ddpm (all T steps; the paper's)"},
         {"steps", "S", "200", "DDIM steps (with --sampler ddim)"},
         {"eta", "E", "1", "DDIM eta: 0 deterministic (loses the augmentation gain; docs/scales.md), 1 ancestral"},
         {"like", "FILE", "", "a samples file whose format (values, delimiter, header) the output takes"},
         sample_format_option(),
         {"header", "", "", "the first line of --like FILE is a header even if it looks like numbers"}},
        1, 1);
    const int threads = apply_threads(args);
    const bool quiet = arg_flag(args, "quiet");
    const long count = (long)arg_int_in_range(args, "M-plus", 1, 100000000);
    const std::string out_path = arg_string(args, "out");
    const SamplerOptions sampler = sampler_from_args(args, quick_sampler());
    FileGate gate;
    gate.input("the input MODEL", args.positional[0]);
    gate.input("--like", arg_given(args, "like") ? arg_string(args, "like") : "");
    gate.output("--out", out_path, true);
    gate.check();
    SampleFormat like = format_by_extension(out_path);
    if (arg_given(args, "like")) read_samples(arg_string(args, "like"), sample_read_options(args, true), &like);
    SampleFormat format = output_format(args, like);
    DiffusionModel model;
    checkpoint_load(&model, args.positional[0]);
    if (!format.names.empty() && (int)format.names.size() != model.config.denoiser.n)
        throw std::runtime_error(arg_string(args, "like") + " has " + std::to_string(format.names.size()) +
                                 " columns but the model makes n = " + std::to_string(model.config.denoiser.n) + " spins");
    auto start = std::chrono::steady_clock::now();
    Samples samples = generate_samples(model, count, sampler, derive_seed((uint64_t)arg_int(args, "seed"), 3), threads,
                                       progress_display(quiet, "sample", "samples"));
    write_samples(out_path, samples, format);
    if (!quiet)
        std::fprintf(stderr, "generate: %ld samples of n = %d from %s (iteration %ld) in %.1f s -> %s\n", count,
                     samples.n, args.positional[0].c_str(), model.iteration, seconds_since(start), out_path.c_str());
    return 0;
}
