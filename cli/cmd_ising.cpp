// repro sample | infer | evaluate | energy: the Ising pipeline of Sec. III A from the command line, one file
// format between the steps (data/formats.h), so the commands chain:
//   repro sample --n 40 --g 1 --M 4000 --out s.txt --truth t.txt && repro infer s.txt --out p.txt &&
//   repro evaluate p.txt t.txt
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "../data/clock.h"
#include "../data/collapse.h"
#include "../data/atomic_file.h"
#include "../data/formats.h"
#include "../data/output_paths.h"
#include "../data/rng.h"
#include "../diffusion/progress.h"
#include "../ising/energy.h"
#include "../ising/erasure.h"
#include "../ising/exact.h"
#include "../ising/metrics.h"
#include "../ising/metropolis.h"
#include "../ising/meanfield.h"
#include "../ising/mle.h"
#include "../ising/moments.h"
#include "../ising/plm.h"
#include "../ising/sk.h"
#include "args.h"
#include "commands.h"
#include "inputs.h"
#include "method_options.h"
#include "../data/version.h"

// --burn-in / --thin: a number of sweeps, or "auto" for the defaults of ising/metropolis.h.
static int sweeps_option(const Args& args, const std::string& name, int automatic) {
    std::string text = arg_string(args, name);
    if (text == "auto") return automatic;
    char* end = nullptr;
    long long sweeps = std::strtoll(text.c_str(), &end, 10);
    long long lowest = name == "thin" ? 1 : 0;
    if (text.empty() || *end != '\0' || sweeps < lowest || sweeps > 100000000)
        throw UsageError("option --" + name + " needs 'auto' or a number of sweeps from " + std::to_string(lowest) +
                         " to 100000000, got '" + text + "'");
    return (int)sweeps;
}

// "samples.txt" → "samples.truth.txt"; any other name gets ".truth.txt" appended.
static std::string default_truth_path(const std::string& out) {
    std::string stem = out;
    if (stem.size() > 4 && stem.compare(stem.size() - 4, 4, ".txt") == 0) stem.resize(stem.size() - 4);
    return stem + ".truth.txt";
}

// Runs work() while a second thread draws the progress line of diffusion/progress.h from the counter `done` (of
// `total` `unit`s, with rate and ETA; on a terminal) and, when after 10 s the run looks longer than a minute, prints
// one line with the projected time (in logs too): a sampling or inference run of hours said nothing before. The
// cost is measured rather than predicted, because it depends on the data (accepted flips cost O(n) each, the
// erasure machine stops when <E> stops falling).
template <typename Work>
static void run_with_progress(const char* label, const char* unit, long long total, std::atomic<long long>* done,
                              bool quiet, Work work) {
    std::atomic<bool> finished(false);
    std::thread monitor([&]() {
        ProgressLine line;
        progress_start(&line, progress_options(quiet, label));
        double start = monotonic_seconds();
        bool projected = quiet;
        while (!finished) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            long long now = done->load();
            double elapsed = monotonic_seconds() - start;
            if (!projected && elapsed >= 10 && now > 0) {
                projected = true;
                double all = elapsed * (double)total / (double)now;
                if (all > 60)
                    std::fprintf(stderr, "%s: %.1f%% of %lld %s after %.0f s: about %.0f minutes in all\n", label,
                                 100.0 * now / total, total, unit, elapsed, all / 60);
            }
            progress_update(&line, (long)now, (long)total, unit, NAN);
        }
        progress_finish(&line, (long)done->load(), (long)total, unit, NAN);
    });
    try {
        work();
    } catch (...) {
        finished = true;
        monitor.join();
        throw;
    }
    finished = true;
    monitor.join();
}

// --params FILE: the user's own parameters. A file written by infer --format 01 says "gauge 0/1" in its comment
// line and read_params converts it; --gauge 01 says so for a file of h_i, J_ij without that line (README "File
// formats": w = J/4, b_i = h_i/2 + sum_j w_ij).
static IsingParams read_own_params(const std::string& path, const std::string& gauge) {
    if (gauge != "auto" && gauge != "pm1" && gauge != "01")
        throw UsageError("--gauge must be auto, pm1 or 01, got '" + gauge + "'");
    std::string text = read_input(path);
    size_t line_end = text.find('\n');
    std::string first_line = text.substr(0, line_end);
    bool marked = first_line.compare(0, 1, "#") == 0 && first_line.find(ZERO_ONE_GAUGE_MARK) != std::string::npos;
    if (marked && gauge == "pm1")
        throw UsageError(path + " says '" + ZERO_ONE_GAUGE_MARK + "' in its comment line but --gauge pm1 was given");
    IsingParams params = parse_params(text, path);
    return marked || gauge == "01" ? params_from_zero_one(params) : params;
}

int command_sample(int argc, char** argv) {
    Args args = parse_args(
        argc, argv, 2,
        "repro sample --n N --g G --M M --out SAMPLES [--truth TRUTH] [--burn-in B] [--thin K]\n"
        "       repro sample --params PARAMS [--gauge auto|pm1|01] --M M --out SAMPLES [--burn-in B] [--thin K]",
        "Draws Sherrington-Kirkpatrick parameters b_i, w_ij ~ N(0, g^2/n) (i<j; Sec. III A, step 1) and M samples\n"
        "from p(sigma) = exp(-E(sigma))/Z by single-spin-flip Metropolis in 64 independent chains (M if M < 64;\n"
        "step 2). With --params the parameters are the user's own (any n; a parameters file as infer writes it,\n"
        "in the -1/+1 gauge or, marked in its comment line or with --gauge 01, the 0/1 gauge) and no truth is written.\n"
        "Writes the samples (one per line, n values -1/+1) and the true parameters (first line the n biases,\n"
        "then n lines of n couplings). The samples depend on --seed only, not on --threads.\n"
        "Default burn-in and thinning ('auto', in sweeps of n flips): thin = max(10, ceil(n/4 * exp(6(g'-1)))),\n"
        "burn-in = max(1000, 10 * thin), where g' = sqrt(n * mean_{i<j} w_ij^2) is measured on the couplings\n"
        "(close to g). The rule follows measured autocorrelation times of SK models (ising/metropolis.h): thin is\n"
        "about 10 at n = 40, g = 1, but about 4000 at n = 40, g = 2, where single-spin Metropolis decorrelates\n"
        "slowly. For other parameters (strong fields, sparse or structured couplings) it is a heuristic: check with\n"
        "a larger --thin that the moments do not change.",
        {{"n", "N", "40", "number of spins"},
         {"g", "G", "1", "coupling scale g: parameters ~ N(0, g^2/n)"},
         {"params", "PARAMS", "", "sample from these parameters instead of drawing SK ones (--n, --g, --truth unused)"},
         {"gauge", "auto|pm1|01", "auto", "--params: the file's gauge (auto: 0/1 when its comment line says so)"},
         {"M", "M", "4000", "number of samples"},
         {"burn-in", "B", "auto", "sweeps before the first sample of each chain"},
         {"thin", "K", "auto", "sweeps between recorded samples"},
         {"out", "SAMPLES", "", "samples file to write (required)"},
         {"truth", "TRUTH", "", "true-parameters file to write (default: SAMPLES with .txt replaced by .truth.txt)"},
         {"format", "pm1|01", "pm1", "write the samples as -1/+1 or 0/1"}},
        0, 0);
    const bool own = arg_given(args, "params");
    if (own)
        for (const char* name : {"n", "g", "truth"})
            if (arg_given(args, name))
                throw UsageError(std::string("--") + name + " is not used with --params (the parameters come from the file)");
    if (!own && arg_given(args, "gauge")) throw UsageError("--gauge is used only with --params");
    std::string out = arg_string(args, "out");
    std::string truth_path;
    IsingParams truth;
    Rng rng;
    rng_seed(&rng, (uint64_t)arg_int(args, "seed"), 0);
    int n = 0;
    double g = 0;
    if (own) {
        check_output_paths({{"--out", out}}, {{"--params", arg_string(args, "params")}});
        truth = read_own_params(arg_string(args, "params"), arg_string(args, "gauge"));
        n = truth.n;
    } else {
        n = (int)arg_int_in_range(args, "n", 1, 100000);
        g = arg_double(args, "g");
        if (g < 0) throw UsageError("option --g must be >= 0");
        truth_path = arg_given(args, "truth") ? arg_string(args, "truth") : default_truth_path(out);
    }
    int count = (int)arg_int_in_range(args, "M", 1, 2000000000LL / n);
    // The couplings (n^2 doubles), their text (~24 bytes each), the samples (4 bytes a spin) and their text.
    require_memory((double)n * n * (8 + 24) + (double)count * n * (4 + 3),
                   "sample --n " + std::to_string(n) + " --M " + std::to_string(count));
    // Both outputs are checked before hours of sampling, and written all-or-nothing below.
    if (!own) check_output_paths({{"--out", out}, {"--truth", truth_path}}, {});
    int threads = apply_threads(args);
    bool quiet = arg_flag(args, "quiet");

    if (!own) truth = draw_sk_params(n, g, &rng);
    int burn_in = sweeps_option(args, "burn-in", metropolis_default_burn_in(truth));
    int thin = sweeps_option(args, "thin", metropolis_default_thin(truth));
    auto start = std::chrono::steady_clock::now();
    Samples samples;
    std::atomic<long long> sweeps_done(0);
    run_with_progress("sample", "sweeps", metropolis_total_sweeps(count, burn_in, thin), &sweeps_done, quiet, [&]() {
        samples = metropolis_sample(truth, count, burn_in, thin, &rng, threads, &sweeps_done);
    });
    AtomicFileGroup outputs;
    write_samples(out, samples, output_format(args, SampleFormat()));
    if (!own) {
        char comment[200];
        std::snprintf(comment, sizeof comment, "repro sample: true SK parameters, n %d, g %g, M %d, seed %llu, gauge -1/+1, "
                      "repro %s", n, g, count, (unsigned long long)arg_int(args, "seed"), repro_version());
        write_params(truth_path, truth, comment);
    }
    outputs.commit();
    if (!quiet) {
        if (own)
            std::fprintf(stderr, "sample: n = %d from %s (coupling scale g' = %.3g), M = %d, burn-in %d, thin %d sweeps: "
                         "%.2f s; wrote %s\n", n, arg_string(args, "params").c_str(), sk_coupling_scale(truth), count,
                         burn_in, thin, seconds_since(start), out.c_str());
        else
            std::fprintf(stderr, "sample: n = %d, g = %g, M = %d, burn-in %d, thin %d sweeps: %.2f s; wrote %s and %s\n", n,
                         g, count, burn_in, thin, seconds_since(start), out.c_str(), truth_path.c_str());
    }
    return 0;
}

// "A:B:K" → K values from A to B; "E" → the single value E.
static void parse_eps_grid(const std::string& text, ErasureOptions* options) {
    char* end = nullptr;
    const char* p = text.c_str();
    double lo = std::strtod(p, &end);
    if (end == p) throw UsageError("--eps-grid: expected A:B:K or E, got '" + text + "'");
    if (*end == '\0') {
        options->eps_min = options->eps_max = lo;
        options->eps_count = 1;
    } else {
        if (*end != ':') throw UsageError("--eps-grid: expected A:B:K or E, got '" + text + "'");
        p = end + 1;
        double hi = std::strtod(p, &end);
        if (end == p || *end != ':') throw UsageError("--eps-grid: expected A:B:K or E, got '" + text + "'");
        p = end + 1;
        long count = std::strtol(p, &end, 10);
        if (end == p || *end != '\0' || count < 1 || count > 100000)
            throw UsageError("--eps-grid: K must be an integer between 1 and 100000, got '" + text + "'");
        options->eps_min = lo;
        options->eps_max = hi;
        options->eps_count = (int)count;
    }
    try {
        erasure_eps_grid(*options);
    } catch (const std::exception& error) {
        throw UsageError(std::string("--eps-grid ") + text + ": " + error.what());
    }
}

static void print_spin_list(const char* what, const std::vector<int>& spins, const char* advice) {
    if (spins.empty()) return;
    std::string list;
    for (size_t k = 0; k < spins.size() && k < 20; k++) list += (k ? ", " : "") + std::to_string(spins[k]);  // 0-based, as the data warnings
    if (spins.size() > 20) list += ", ...";
    std::fprintf(stderr, "warning: %zu %s (spins %s): %s\n", spins.size(), what, list.c_str(), advice);
}

// PLM with a fixed λ, or λ chosen on plm_lambda_grid() by k-fold or a validation file.
static IsingParams infer_plm(const Args& args, const Samples& samples, int threads, bool quiet, std::string* how) {
    PlmOptions options;
    options.threads = threads;
    options.tolerance = arg_double(args, "tol");
    if (!(options.tolerance > 0)) throw UsageError("option --tol must be > 0");
    if (arg_given(args, "max-iter")) options.max_iter = (int)arg_int_in_range(args, "max-iter", 0, 100000);
    double lambda = plm_lambda_from_args(args);
    auto start = std::chrono::steady_clock::now();
    PlmResult result;
    std::string chosen_text;
    double chosen_lambda = 0;
    if (lambda >= 0) {
        options.lambda = lambda;
        result = plm_fit(samples, options);
    } else {
        int folds = (int)arg_int_in_range(args, "folds", 2, 100);
        Samples validation;
        bool has_validation = arg_given(args, "validation");
        if (has_validation) {
            validation = read_samples(arg_string(args, "validation"), quiet);
            require_same_n(args.positional[0], samples.n, arg_string(args, "validation"), validation.n);
        }
        double& chosen = chosen_lambda;
        std::vector<double> scores;
        result = plm_fit_auto_lambda(samples, has_validation ? &validation : nullptr, folds, options, &chosen, &scores);
        std::vector<double> grid = plm_lambda_grid();
        if (arg_flag(args, "verbose")) {
            std::fprintf(stderr, "      lambda   held-out pseudo-log-likelihood loss per spin (nats)\n");
            for (size_t k = 0; k < grid.size(); k++)
                std::fprintf(stderr, "%s %10.3g   %.10g\n", grid[k] == chosen ? "->" : "  ", grid[k], scores[k]);
        }
        char text[96];
        std::snprintf(text, sizeof text, "lambda = %g chosen by %s, ", chosen,
                      has_validation ? "the validation file" : (std::to_string(folds) + "-fold cross-validation").c_str());
        chosen_text = text;
    }
    if (!quiet)
        std::fprintf(stderr, "infer: pseudo-likelihood %s%s after at most %d Newton steps per spin (max |gradient| "
                     "%.3g); M = %d, n = %d: %.2f s\n", chosen_text.c_str(), result.converged ? "converged" : "did NOT converge",
                     result.max_iterations, result.max_gradient, samples.count, samples.n, seconds_since(start));
    if (!result.constant_spins.empty())
        std::fprintf(stderr, "infer: pseudo-likelihood sets the bias of a spin that never flips to +-1/2 ln(2M+1) "
                     "(one pseudo-observation shared between the signs) and its couplings to 0\n");
    print_spin_list("spins are predicted perfectly by the others", result.separable_spins,
                    "their couplings are set by --tol, not by the data; use --lambda > 0 or --lambda auto");
    print_spin_list("spins did not converge", result.unconverged_spins, "raise --max-iter or use --lambda > 0");
    char text[160];
    std::snprintf(text, sizeof text, "method plm, lambda %g%s%s", lambda >= 0 ? lambda : chosen_lambda,
                  lambda >= 0 ? "" : " (chosen by held-out pseudo-likelihood)", result.converged ? "" : " (NOT converged)");
    *how = text;
    return result.params;
}

static IsingParams infer_mean_field(const Samples& samples, bool quiet, std::string* how) {
    MeanFieldResult result = mean_field_fit(samples);
    *how = "method mf (naive mean field)";
    if (!quiet) std::fprintf(stderr, "infer: naive mean field, M = %d, n = %d\n", samples.count, samples.n);
    if (!result.constant_spins.empty())
        std::fprintf(stderr, "infer: mean field clamps the magnetisation of a spin that never flips to +-(1 - 1/(M+1)) "
                     "and sets its couplings to 0\n");
    if (result.ridge > 0)
        std::fprintf(stderr, "warning: the correlation matrix is singular; a ridge %.3g was added before inverting\n",
                     result.ridge);
    return result.params;
}

static IsingParams infer_erasure_cli(const Args& args, const Samples& samples, const ErasureOptions& options,
                                     int threads, bool quiet, std::string* how) {
    auto start = std::chrono::steady_clock::now();
    ErasureResult result;
    std::atomic<long long> runs_done(0);
    ErasureOptions with_progress = options;
    with_progress.runs_done = &runs_done;
    run_with_progress("infer", "eps runs", erasure_planned_runs(with_progress), &runs_done, quiet,
                      [&]() { result = erasure_machine(samples, with_progress); });
    if (arg_flag(args, "verbose")) {
        std::fprintf(stderr, "       eps   mean data energy <E>   updates\n");
        for (size_t k = 0; k < result.eps_grid.size(); k++)
            std::fprintf(stderr, "%s %8.4f   %20.10g   %7d\n", result.eps_grid[k] == result.chosen_eps ? "->" : "  ",
                         result.eps_grid[k], result.mean_energy[k], result.iterations_used[k]);
    }
    if (!quiet)
        std::fprintf(stderr, "infer: erasure machine chose eps = %.6g (largest <E> = %.10g, %d updates); M = %d, "
                     "n = %d, %zu eps values run on %d threads: %.2f s\n", result.chosen_eps, result.chosen_mean_energy,
                     result.iterations, samples.count, samples.n, result.eps_grid.size(), threads, seconds_since(start));
    char eps[32];
    std::snprintf(eps, sizeof eps, "%.6g", result.chosen_eps);
    *how = std::string("method erasure, eps ") + eps;
    return result.params;
}

static IsingParams infer_exact_mle(const Args& args, const Samples& samples, bool quiet, std::string* how) {
    if (samples.n > EXACT_MAX_N)
        throw UsageError("--method mle enumerates all 2^n states: n must be <= " + std::to_string(EXACT_MAX_N) +
                         ", the samples have n = " + std::to_string(samples.n));
    MleOptions options;
    if (arg_given(args, "max-iter")) options.max_iter = (int)arg_int_in_range(args, "max-iter", 0, 100000000);
    options.tolerance = arg_double(args, "tol");
    auto start = std::chrono::steady_clock::now();
    MleResult result = exact_mle(sample_moments(samples), options);
    if (!quiet)
        std::fprintf(stderr, "infer: exact MLE %s after %d updates (max |gradient| %.3g); %.2f s\n",
                     result.converged ? "converged" : "did NOT converge", result.iterations, result.max_gradient,
                     seconds_since(start));
    if (!result.converged)
        std::fprintf(stderr, "warning: exact MLE did not reach --tol %g in %d updates: the parameters are not the "
                     "maximum; raise --max-iter (weakly constrained directions converge slowly; a spin that never "
                     "changes has no finite maximum) or use --method plm\n", options.tolerance, result.iterations);
    *how = std::string("method mle") + (result.converged ? "" : " (NOT converged)");
    return result.params;
}

// The first line of a parameters file: how it was made, so that a file found later says what it is.
static std::string infer_comment(const std::string& how, const std::string& gauge, const std::vector<std::string>& inputs,
                                 const Samples& samples) {
    std::string text = "repro infer: " + how + ", inputs " + paths_text(inputs) + ", n " + std::to_string(samples.n) +
                       ", M " + std::to_string(samples.count);
    if (!samples.weight.empty()) {
        double total = 0.0;
        for (double weight : samples.weight) total += weight;
        char number[32];
        std::snprintf(number, sizeof number, "%.17g", total);
        text += std::string(" rows of total weight ") + number;
    }
    text += gauge == "01" ? std::string(", ") + ZERO_ONE_GAUGE_MARK + ": E(s) = -sum_i h_i s_i - sum_{i<j} J_ij s_i s_j"
                          : ", gauge -1/+1: E(s) = -sum_i b_i s_i - sum_{i<j} w_ij s_i s_j";
    return text + ", repro " + repro_version();
}

int command_infer(int argc, char** argv) {
    Args args = parse_args(
        argc, argv, 2,
        "repro infer SAMPLES... --out PARAMS [--method erasure|plm|mf|mle] [--eps-grid A:B:K] [--lambda L|auto] "
        "[--max-iter N] [--weights-column COL] [--format pm1|01]",
        "Infers Ising parameters b_i, w_ij from the samples (one or more files, read as one data set; '-' is standard\n"
        "input) and writes them: a comment line saying how they were made, the n biases, then n lines of n\n"
        "couplings (%.17g). --out - writes to standard output.\n"
        "  erasure: the erasure machine, Eqs. (12)-(18), the paper's solver, run for every eps of the grid (in\n"
        "           parallel over --threads); each run starts from theta ~ U[-0.5,0.5) (from --seed), updates theta\n"
        "           with gamma = 0.1 while the mean data energy <E> decreases (at most --max-iter updates); the eps\n"
        "           whose result has the largest <E> is chosen. --verbose lists every eps with <E> and updates.\n"
        "  plm:     pseudo-likelihood maximisation (Ravikumar et al. 2010; Aurell & Ekeberg 2012), the field's\n"
        "           standard solver: per spin, Newton's method on the mean negative conditional log-likelihood\n"
        "           + lambda * sum_j w_ij^2 until every |gradient| < --tol, then w_ij <- (w_ij + w_ji)/2.\n"
        "           --lambda auto picks lambda on a grid (0, 1e-5 ... 0.1) by the held-out pseudo-likelihood\n"
        "           (--folds-fold cross-validation, or --validation FILE); --verbose lists the scores.\n"
        "  mf:      naive mean field: w = -C^-1 off the diagonal (C the connected correlations),\n"
        "           b_i = atanh(m_i) - sum_j w_ij m_j. Cheap, biased for strong couplings.\n"
        "  mle:     exact maximum likelihood, Eqs. (5)-(9), gradient ascent with gamma = 0.1 from zero until every\n"
        "           gradient is below --tol (or --max-iter updates); exact enumeration, so n <= 20.",
        with_sample_input_options({{"out", "PARAMS", "", "parameters file to write (required; - = standard output)"},
         {"method", "NAME", "erasure", "erasure, plm, mf or mle"},
         {"eps-grid", "A:B:K", "0.1:0.9:81", "erasure: K values of eps from A to B (or one value E)"},
         {"eps-stride", "S", "1", "erasure: 1 = run every eps of the grid; S > 1 = every S-th, then all within S-1 "
                                  "of the best (same choice when <E> has one maximum, ~3x faster at S = 6)"},
         {"lambda", "L", "0", "plm: L2 penalty on the couplings (0 = the plain estimator), or 'auto'"},
         {"folds", "K", "5", "plm --lambda auto: folds of the cross-validation"},
         {"validation", "FILE", "", "plm --lambda auto: score lambda on these samples instead of cross-validation"},
         {"max-iter", "N", "", "most updates (erasure: 100, the authors' value; plm: 100 Newton steps; mle: 100000)"},
         {"tol", "T", "1e-6", "plm, mle: stop when every |gradient| is below T"},
         {"verbose", "", "", "erasure: print <E> and the updates for every eps; plm --lambda auto: the scores"},
         {"format", "pm1|01", "pm1", "pm1: parameters of E(s) for s = -1/+1 (Eq. 2); 01: for s = 0/1, h_i = 2b_i - "
                                     "2 sum_j w_ij and J_ij = 4w_ij (read back as pm1 by every command)"}}, true),
        1, 1000);
    std::string method = arg_string(args, "method");
    if (method == "em") method = "erasure";
    if (method != "erasure" && method != "mle" && method != "plm" && method != "mf")
        throw UsageError("--method must be erasure, plm, mf or mle, got '" + method + "'");
    std::string out = arg_string(args, "out");
    std::vector<NamedPath> inputs;  // standard input ('-') is no file to protect
    for (const std::string& input : args.positional)
        if (input != "-") inputs.push_back({"the input SAMPLES", input});
    if (arg_given(args, "validation")) inputs.push_back({"--validation", arg_string(args, "validation")});
    if (out != "-") check_output_paths({{"--out", out}}, inputs);
    int threads = apply_threads(args);
    bool quiet = arg_flag(args, "quiet");
    std::string gauge = arg_string(args, "format");
    if (gauge != "pm1" && gauge != "01") throw UsageError("--format must be pm1 or 01, got '" + gauge + "'");
    // Every option is checked before the (possibly large) samples file is read.
    ErasureOptions erasure_options;
    if (method == "erasure") {
        parse_eps_grid(arg_string(args, "eps-grid"), &erasure_options);
        if (arg_given(args, "max-iter")) erasure_options.max_iter = (int)arg_int_in_range(args, "max-iter", 0, 100000000);
        erasure_options.eps_stride = (int)arg_int_in_range(args, "eps-stride", 1, 100000);
        erasure_options.threads = threads;
        erasure_options.seed = (uint64_t)arg_int(args, "seed");
    }
    if (method == "plm") plm_lambda_from_args(args);
    if (!(arg_double(args, "tol") > 0)) throw UsageError("option --tol must be > 0");
    SampleFormat input_format;
    Samples samples = read_sample_inputs(args.positional, sample_read_options(args, quiet), &input_format);
    if (method == "erasure")
        require_memory((double)erasure_memory_bytes(samples.count, samples.n, threads),
                       "the erasure machine at n = " + std::to_string(samples.n) + ", M = " +
                       std::to_string(samples.count) + " on " + std::to_string(threads) + " thread(s)");
    warn_unreliable_samples(samples, input_format, quiet);
    // Repeated rows go to the solver as one row weighted by their count: the same data set (every solver weighs a
    // row of weight c as c copies) at a fraction of the cost. Not for --lambda auto, whose cross-validation folds are
    // folds of rows; and data without repeats are passed as they are, so their results do not change.
    Samples distinct = collapse_repeated_rows(samples);
    bool collapse = distinct.count < samples.count && !(method == "plm" && arg_string(args, "lambda") == "auto");
    if (!quiet)
        std::fprintf(stderr, "infer: %d rows, %d distinct%s\n", samples.count, distinct.count,
                     collapse ? ": the solver sees the distinct rows weighted by their counts (the same data set)" : "");
    const Samples& fitted = collapse ? distinct : samples;
    IsingParams params;
    std::string how;  // for the parameter file's comment line
    if (method == "erasure") params = infer_erasure_cli(args, fitted, erasure_options, threads, quiet, &how);
    else if (method == "plm") params = infer_plm(args, fitted, threads, quiet, &how);
    else if (method == "mf") params = infer_mean_field(fitted, quiet, &how);
    else params = infer_exact_mle(args, fitted, quiet, &how);
    if (collapse) how += ", " + std::to_string(distinct.count) + " distinct rows as weights";
    write_params(out, gauge == "01" ? params_to_zero_one(params) : params,
                 infer_comment(how, gauge, args.positional, samples));
    return 0;
}

int command_evaluate(int argc, char** argv) {
    Args args = parse_args_with(argc, argv, 2, "repro evaluate PARAMS TRUTH",
                           "Prints the mean square error of Eq. (23) between inferred and true parameters: the mean\n"
                           "of the squared differences over the n biases and the n(n-1)/2 couplings w_ij, i < j.\n"
                           "Either file may be '-' (standard input); a file written with infer --format 01 is read\n"
                           "back in the -1/+1 gauge.",
                           {}, 2, 2, {});
    IsingParams inferred = read_params(args.positional[0]);
    IsingParams truth = read_params(args.positional[1]);
    require_same_n(args.positional[0], inferred.n, args.positional[1], truth.n);
    double mse = parameter_mse(inferred, truth);
    if (!std::isfinite(mse)) throw std::runtime_error("the mean square error is not a finite number");
    std::printf("%.10g\n", mse);
    return 0;
}

int command_energy(int argc, char** argv) {
    Args args = parse_args_with(argc, argv, 2, "repro energy SAMPLES PARAMS",
                           "Prints the mean and the variance of E(sigma) of Eq. (2) over the samples, as lines\n"
                           "'mean X' and 'variance Y' (variance with 1/M: the variance of the samples themselves),\n"
                           "then 'kurtosis K' (m4/variance^2) and 'variance_relative_se R', the relative standard\n"
                           "error of that variance, sqrt((K-1)/M): a probe of N samples has sqrt((K-1)/N).",
                           sample_input_options(false), 2, 2, {"threads", "quiet"});
    apply_threads(args);
    Samples samples = read_samples(args.positional[0], sample_read_options(args, arg_flag(args, "quiet")), nullptr);
    IsingParams params = read_params(args.positional[1]);
    require_same_n(args.positional[0], samples.n, args.positional[1], params.n);
    EnergyStats stats = energy_stats(params, samples);
    if (!std::isfinite(stats.mean) || !std::isfinite(stats.variance))
        throw std::runtime_error("the energies of " + args.positional[0] + " under " + args.positional[1] +
                                 " are not finite numbers");
    std::printf("mean %.10g\nvariance %.10g\n", stats.mean, stats.variance);
    if (stats.variance > 0) {
        std::printf("kurtosis %.6g\nvariance_relative_se %.6g\n", stats.kurtosis,
                    std::sqrt((stats.kurtosis - 1) / (double)samples.count));
    } else {
        // One sample, or every sample at the same energy: m4/variance^2 is 0/0.
        std::printf("kurtosis undefined\nvariance_relative_se undefined\n");
        std::fprintf(stderr, "energy: note: the variance is 0 (%s), so the kurtosis m4/variance^2 is undefined\n",
                     samples.count == 1 ? "M = 1" : "every sample has the same energy");
    }
    return 0;
}
