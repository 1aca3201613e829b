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
#include "../data/output_gate.h"
#include "../data/rng.h"
#include "../diffusion/progress.h"
#include "../ising/energy.h"
#include "../ising/erasure.h"
#include "../ising/exact.h"
#include "../ising/metrics.h"
#include "../ising/metropolis.h"
#include "../ising/tempering.h"
#include "../ising/meanfield.h"
#include "../ising/mle.h"
#include "../ising/moments.h"
#include "../ising/plm.h"
#include "../ising/sk.h"
#include "../runner/args.h"
#include "commands.h"
#include "inputs.h"
#include "../figures/method_options.h"
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

// Metropolis, or with --tempering parallel tempering on the default ladder (ising/tempering.h), whose swap rates
// are printed: a rate near 0 means the ladder is split and the samples may still miss a basin.
static Samples draw_samples(const IsingParams& truth, int count, int burn_in, int thin, bool tempering, Rng* rng,
                            int threads, bool quiet) {
    Samples samples;
    std::atomic<long long> sweeps_done(0);
    if (!tempering) {
        run_with_progress("sample", "sweeps", metropolis_total_sweeps(count, burn_in, thin), &sweeps_done, quiet, [&]() {
            samples = metropolis_sample(truth, count, burn_in, thin, rng, threads, &sweeps_done);
        });
        return samples;
    }
    TemperingLadder ladder = tempering_default_ladder(truth.n);
    TemperingStats stats;
    long long total = metropolis_total_sweeps(count, burn_in, thin) * (long long)ladder.betas.size();
    run_with_progress("sample", "replica sweeps", total, &sweeps_done, quiet, [&]() {
        samples = tempering_sample(truth, count, burn_in, thin, ladder, rng, threads, &stats, &sweeps_done);
    });
    if (!quiet) {
        std::string rates;
        for (double rate : stats.swap_rate) {
            char text[16];
            std::snprintf(text, sizeof text, "%s%.2f", rates.empty() ? "" : " ", rate);
            rates += text;
        }
        std::fprintf(stderr, "sample: parallel tempering, %zu replicas, beta 1 to %g; swap rates %s\n",
                     ladder.betas.size(), ladder.betas.back(), rates.c_str());
    }
    return samples;
}

int command_sample(int argc, char** argv) {
    Args args = parse_args(
        argc, argv, 2,
        "repro sample --n N --g G --M M --out SAMPLES [--truth TRUTH] [--burn-in B] [--thin K] [--tempering] [--format pm1|01]\n"
        "       repro sample --params PARAMS [--gauge auto|pm1|01] --M M --out SAMPLES [--burn-in B] [--thin K] [--tempering]\n"
        "                    [--format pm1|01]",
        "Draws Sherrington-Kirkpatrick parameters b_i, w_ij ~ N(0, g^2/n) (i<j; Sec. III A, step 1) and M samples\n"
        "from p(sigma) = exp(-E(sigma))/Z by single-spin-flip Metropolis in 64 independent chains (M if M < 64;\n"
        "step 2). With --params the parameters are the user's own (any n; a parameters file as infer writes it,\n"
        "in the -1/+1 gauge or, marked in its comment line or with --gauge 01, the 0/1 gauge) and no truth is written.\n"
        "Writes the samples (one per line, n values -1/+1 or 0/1; separated by commas in a .csv, tabs in a .tsv, else\n"
        "blanks) and the true parameters (first line the n biases,\n"
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
         {"tempering", "", "", "parallel tempering: ceil(sqrt(n)) + 2 replicas from beta = 1 to 0.2, swaps between "
                               "neighbours (for models with several basins, e.g. fits of spike data; K times the cost)"},
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
    if (!own && out == "-" && !arg_given(args, "truth"))
        throw UsageError("--out - (standard output) needs --truth FILE: the true parameters have no file to be named after");
    // Both outputs are checked before hours of sampling, and written all-or-nothing below.
    FileGate gate;
    gate.input("--params", own ? arg_string(args, "params") : "");
    gate.output("--out", out, true);
    gate.output("--truth", truth_path);
    gate.check();
    int threads = apply_threads(args);
    bool quiet = arg_flag(args, "quiet");

    if (!own) truth = draw_sk_params(n, g, &rng);
    int burn_in = sweeps_option(args, "burn-in", metropolis_default_burn_in(truth));
    int thin = sweeps_option(args, "thin", metropolis_default_thin(truth));
    auto start = std::chrono::steady_clock::now();
    Samples samples = draw_samples(truth, count, burn_in, thin, arg_flag(args, "tempering"), &rng, threads, quiet);
    AtomicFileGroup outputs;
    write_samples(out, samples, output_format(args, format_by_extension(out)));
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

// --eps-range "A:B" (from A to B) or "E" (the single value E), and the old --eps-grid "A:B:K" or "E": the ends of the
// erasure machine's grid and, for --eps-grid, its count.
static void parse_eps_text(const std::string& option, const std::string& text, bool with_count, SolverChoice* solver) {
    std::string expected = with_count ? "A:B:K or E" : "A:B or E";
    char* end = nullptr;
    const char* p = text.c_str();
    double lo = std::strtod(p, &end);
    if (end == p) throw UsageError("--" + option + ": expected " + expected + ", got '" + text + "'");
    if (*end == '\0') {
        solver->eps_min = solver->eps_max = lo;
        solver->grid.count = 1;
        return;
    }
    if (*end != ':') throw UsageError("--" + option + ": expected " + expected + ", got '" + text + "'");
    p = end + 1;
    double hi = std::strtod(p, &end);
    if (end == p || *end != (with_count ? ':' : '\0'))
        throw UsageError("--" + option + ": expected " + expected + ", got '" + text + "'");
    solver->eps_min = lo;
    solver->eps_max = hi;
    if (!with_count) return;
    p = end + 1;
    long count = std::strtol(p, &end, 10);
    if (end == p || *end != '\0' || count < 1 || count > 100000)
        throw UsageError("--eps-grid: K must be an integer between 1 and 100000, got '" + text + "'");
    solver->grid.count = (int)count;
}

// The erasure machine's grid of repro infer: --eps-range and --eps-count (or the old --eps-grid), --eps-stride.
static void erasure_grid_of_infer(const Args& args, SolverChoice* solver) {
    if (arg_given(args, "eps-grid") && (arg_given(args, "eps-range") || arg_given(args, "eps-count")))
        throw UsageError("--eps-grid A:B:K is the old form of --eps-range A:B --eps-count K: give one form");
    solver->grid.count = (int)arg_int_in_range(args, "eps-count", 1, 100000);
    solver->grid.stride = (int)arg_int_in_range(args, "eps-stride", 1, 100000);
    if (arg_given(args, "eps-grid")) parse_eps_text("eps-grid", arg_string(args, "eps-grid"), true, solver);
    if (arg_given(args, "eps-range")) {
        parse_eps_text("eps-range", arg_string(args, "eps-range"), false, solver);
        if (solver->eps_min == solver->eps_max && arg_given(args, "eps-count") && arg_int(args, "eps-count") != 1)
            throw UsageError("--eps-range E is one value of epsilon: --eps-count must then be 1");
        if (solver->eps_min == solver->eps_max) solver->grid.count = 1;
    }
    std::string option = arg_given(args, "eps-grid") ? "--eps-grid " + arg_string(args, "eps-grid")
                                                     : "--eps-range " + arg_string(args, "eps-range");
    try {
        erasure_eps_grid(erasure_options_for(*solver, 1, 0));
    } catch (const std::exception& error) {
        throw UsageError(option + ": " + error.what());
    }
}

// repro infer's solver: --solver (old name --method) em|plm|mf|mle and the settings that act in it, every option of
// another solver refused (refuse_options_of_other_solvers).
static SolverChoice infer_solver_from_args(const Args& args) {
    std::string name = solver_name_from_args(args, {"em", "plm", "mf", "mle"});
    SolverChoice solver;
    solver.kind = name == "plm" ? SolverKind::Plm : name == "mf" ? SolverKind::MeanField
                : name == "mle" ? SolverKind::ExactMle : SolverKind::Erasure;
    if (solver.kind == SolverKind::Erasure) {
        erasure_grid_of_infer(args, &solver);
        if (arg_given(args, "max-iter")) solver.max_iter = (int)arg_int_in_range(args, "max-iter", 0, 100000000);
    }
    if (solver.kind == SolverKind::Plm) {
        double lambda = plm_lambda_from_args(args);
        solver.plm_lambda_auto = lambda < 0;
        solver.plm_lambda = lambda < 0 ? 0.0 : lambda;
        if (!solver.plm_lambda_auto && (arg_given(args, "folds") || arg_given(args, "validation")))
            throw UsageError("--folds and --validation choose lambda: they apply with --lambda auto only");
        solver.plm_folds = (int)arg_int_in_range(args, "folds", 2, 100);
        if (arg_given(args, "max-iter")) solver.max_iter = (int)arg_int_in_range(args, "max-iter", 0, 100000);
    }
    if (solver.kind == SolverKind::ExactMle && arg_given(args, "max-iter"))
        solver.max_iter = (int)arg_int_in_range(args, "max-iter", 0, 100000000);
    solver.tolerance = arg_double(args, "tol");
    if (!(solver.tolerance > 0)) throw UsageError("option --tol must be > 0");
    return solver;
}

static void print_spin_list(const char* what, const std::vector<int>& spins, const std::vector<std::string>& names,
                            const char* advice) {
    if (spins.empty()) return;
    std::string list;
    for (size_t k = 0; k < spins.size() && k < 20; k++) list += (k ? ", " : "") + spin_label(names, spins[k]);
    if (spins.size() > 20) list += ", ...";
    std::fprintf(stderr, "warning: %zu %s (spins %s): %s\n", spins.size(), what, list.c_str(), advice);
}

// What PLM reports: λ and how it was chosen, convergence, spins the data cannot determine. Returns the comment text.
static std::string report_plm(const Args& args, const Inference& fit, const SolverChoice& solver,
                              const Samples& samples, const std::vector<std::string>& names, double seconds,
                              bool quiet) {
    const PlmResult& result = fit.plm;
    std::string chosen_text;
    if (solver.plm_lambda_auto) {
        std::vector<double> grid = plm_lambda_grid();
        if (arg_flag(args, "verbose")) {
            if (samples.n > PLM_NEWTON_CG_ABOVE_N)
                std::fprintf(stderr, "      lambda   held-out pseudo-log-likelihood loss per spin (nats; %d spread spins' "
                             "own rows, ising/plm.h)\n", PLM_CV_SPINS);
            else
                std::fprintf(stderr, "      lambda   held-out pseudo-log-likelihood loss per spin (nats)\n");
            for (size_t k = 0; k < grid.size(); k++) {
                double score = fit.plm_lambda_scores[k];
                if (std::isnan(score))  // beyond n = 64 the path stops past the best (ising/plm.h)
                    std::fprintf(stderr, "   %10.3g   not fitted: the path stopped after %d worse values\n", grid[k],
                                 PLM_PATH_PATIENCE);
                else
                    std::fprintf(stderr, "%s %10.3g   %.10g\n", grid[k] == fit.lambda ? "->" : "  ", grid[k], score);
            }
        }
        char text[96];
        std::snprintf(text, sizeof text, "lambda = %g chosen by %s, ", fit.lambda, solver.plm_validation
                      ? "the validation file" : (std::to_string(solver.plm_folds) + "-fold cross-validation").c_str());
        chosen_text = text;
    }
    if (!quiet)
        std::fprintf(stderr, "infer: pseudo-likelihood %s%s after at most %d Newton steps per spin (max |gradient| "
                     "%.3g); M = %d, n = %d: %.2f s\n", chosen_text.c_str(), result.converged ? "converged" : "did NOT converge",
                     result.max_iterations, result.max_gradient, samples.count, samples.n, seconds);
    if (!result.constant_spins.empty())
        std::fprintf(stderr, "infer: pseudo-likelihood sets the bias of a spin that never flips to +-1/2 ln(2M+1) "
                     "(one pseudo-observation shared between the signs) and its couplings to 0\n");
    print_spin_list("spins are predicted perfectly by the others", result.separable_spins, names,
                    "their couplings are set by --tol, not by the data; use --lambda > 0 or --lambda auto");
    print_spin_list("spins did not converge", result.unconverged_spins, names, "raise --max-iter or use --lambda > 0");
    char text[160];
    std::snprintf(text, sizeof text, "solver plm, lambda %g%s%s", fit.lambda,
                  solver.plm_lambda_auto ? " (chosen by held-out pseudo-likelihood)" : "",
                  result.converged ? "" : " (NOT converged)");
    return text;
}

static std::string report_mean_field(const Inference& fit, const Samples& samples, bool quiet) {
    if (!quiet) std::fprintf(stderr, "infer: naive mean field, M = %d, n = %d\n", samples.count, samples.n);
    if (!fit.mean_field.constant_spins.empty())
        std::fprintf(stderr, "infer: mean field clamps the magnetisation of a spin that never flips to +-(1 - 1/(M+1)) "
                     "and sets its couplings to 0\n");
    if (fit.mean_field.ridge > 0)
        std::fprintf(stderr, "warning: the correlation matrix is singular; a ridge %.3g was added before inverting\n",
                     fit.mean_field.ridge);
    return "solver mf (naive mean field)";
}

static std::string report_erasure(const Args& args, const Inference& fit, const Samples& samples, int threads,
                                  double seconds, bool quiet) {
    const ErasureResult& result = fit.erasure;
    if (arg_flag(args, "verbose")) {
        std::fprintf(stderr, "       eps   mean data energy <E>   updates\n");
        for (size_t k = 0; k < result.eps_grid.size(); k++)
            std::fprintf(stderr, "%s %8.4f   %20.10g   %7d\n", result.eps_grid[k] == result.chosen_eps ? "->" : "  ",
                         result.eps_grid[k], result.mean_energy[k], result.iterations_used[k]);
    }
    if (!quiet)
        std::fprintf(stderr, "infer: erasure machine chose eps = %.6g (largest <E> = %.10g, %d updates); M = %d, "
                     "n = %d, %zu eps values run on %d threads: %.2f s\n", result.chosen_eps, result.chosen_mean_energy,
                     result.iterations, samples.count, samples.n, result.eps_grid.size(), threads, seconds);
    char eps[32];
    std::snprintf(eps, sizeof eps, "%.6g", result.chosen_eps);
    return std::string("solver em (erasure machine), eps ") + eps;
}

static std::string report_exact_mle(const Inference& fit, const SolverChoice& solver, double seconds, bool quiet) {
    const MleResult& result = fit.mle;
    if (!quiet)
        std::fprintf(stderr, "infer: exact MLE %s after %d updates (max |gradient| %.3g); %.2f s\n",
                     result.converged ? "converged" : "did NOT converge", result.iterations, result.max_gradient,
                     seconds);
    if (!result.converged)
        std::fprintf(stderr, "warning: exact MLE did not reach --tol %g in %d updates: the parameters are not the "
                     "maximum; raise --max-iter (weakly constrained directions converge slowly; a spin that never "
                     "changes has no finite maximum) or use --solver plm\n", solver.tolerance, result.iterations);
    return std::string("solver mle") + (result.converged ? "" : " (NOT converged)");
}

// The first line of a parameters file: how it was made, so that a file found later says what it is.
// The spins' column names, when the input had a header, so that the parameters say which row is which neuron.
static std::string infer_comment(const std::string& how, const std::string& gauge, const std::vector<std::string>& inputs,
                                 const Samples& samples, const std::vector<std::string>& names) {
    std::string text = "repro infer: " + how + ", inputs " + paths_text(inputs) + ", n " + std::to_string(samples.n) +
                       ", M " + std::to_string(samples.count);
    if ((int)names.size() == samples.n) {
        text += ", spins [";  // the header's names in column order
        for (size_t k = 0; k < names.size(); k++) text += (k ? "; " : "") + names[k];
        text += "]";
    }
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
        "repro infer SAMPLES... --out PARAMS [--solver em|plm|mf|mle] [--eps-range A:B] [--eps-count K] "
        "[--lambda L|auto] [--max-iter N] [--weights-column COL] [--format pm1|01]",
        "Infers Ising parameters b_i, w_ij from the samples (one or more files, read as one data set; '-' is standard\n"
        "input; the files' headers must name the same columns, read by name) and writes them: a comment line saying\n"
        "how they were made, the n biases, then n lines of n couplings (%.17g). --out - writes to standard output.\n"
        "An option of another solver than --solver's is refused (e.g. --lambda with em).\n"
        "  em:      the erasure machine, Eqs. (12)-(18), the paper's solver ('erasure' is accepted too), run for every\n"
        "           eps of the grid (in parallel over --threads); each run starts from theta ~ U[-0.5,0.5) (from\n"
        "           --seed), updates theta with gamma = 0.1 while the mean data energy <E> decreases (at most\n"
        "           --max-iter updates); the eps whose result has the largest <E> is chosen. --verbose lists every\n"
        "           eps with <E> and updates.\n"
        "  plm:     pseudo-likelihood maximisation (Ravikumar et al. 2010; Aurell & Ekeberg 2012), the field's\n"
        "           standard solver: per spin, Newton's method on the mean negative conditional log-likelihood\n"
        "           + lambda * sum_j w_ij^2 until every |gradient| < --tol, then w_ij <- (w_ij + w_ji)/2.\n"
        "           --lambda auto picks lambda on a grid (0, 1e-5 ... 0.1) by the held-out pseudo-likelihood\n"
        "           (K-fold cross-validation with --folds K, or --validation FILE); --verbose lists the scores.\n"
        "  mf:      naive mean field: w = -C^-1 off the diagonal (C the connected correlations),\n"
        "           b_i = atanh(m_i) - sum_j w_ij m_j. Cheap, biased for strong couplings.\n"
        "  mle:     exact maximum likelihood, Eqs. (5)-(9), gradient ascent with gamma = 0.1 from zero until every\n"
        "           gradient is below --tol (or --max-iter updates); exact enumeration, so n <= 20.",
        with_sample_input_options({{"out", "PARAMS", "", "parameters file to write (required; - = standard output)"},
         {"solver", "NAME", "em", "em (erasure machine), plm, mf or mle", {"method"}},
         {"eps-range", "A:B", "0.1:0.9", "em: the epsilon grid runs from A to B (or is the one value E)"},
         {"eps-count", "K", "81", "em: values on the epsilon grid"},
         {"eps-stride", "S", "1", "em: 1 = run every eps of the grid; S > 1 = every S-th, then all within S-1 "
                                  "of the best (same choice when <E> has one maximum, ~3x faster at S = 6)"},
         {"eps-grid", "A:B:K", "", "em: the old form of --eps-range A:B --eps-count K (or E), still accepted"},
         {"lambda", "L", "0", "plm: L2 penalty on the couplings (0 = the plain estimator), or 'auto'"},
         {"folds", "K", "5", "plm --lambda auto: folds of the cross-validation"},
         {"validation", "FILE", "", "plm --lambda auto: score lambda on these samples instead of cross-validation"},
         {"max-iter", "N", "", "em, plm, mle: most updates (em: 100, the authors' value; plm: 100 Newton steps; mle: 100000)"},
         {"tol", "T", "1e-6", "plm, mle: stop when every |gradient| is below T"},
         {"verbose", "", "", "em: print <E> and the updates for every eps; plm --lambda auto: the scores"},
         {"format", "pm1|01", "pm1", "pm1: parameters of E(s) for s = -1/+1 (Eq. 2); 01: for s = 0/1, h_i = 2b_i - "
                                     "2 sum_j w_ij and J_ij = 4w_ij (read back as pm1 by every command)"}}, true),
        1, 1000);
    std::string out = arg_string(args, "out");
    FileGate gate;
    for (const std::string& input : args.positional) gate.input("the input SAMPLES", input);
    if (arg_given(args, "validation")) gate.input("--validation", arg_string(args, "validation"));
    gate.output("--out", out, true);
    gate.check();
    int threads = apply_threads(args);
    bool quiet = arg_flag(args, "quiet");
    std::string gauge = arg_string(args, "format");
    if (gauge != "pm1" && gauge != "01") throw UsageError("--format must be pm1 or 01, got '" + gauge + "'");
    // Every option is checked before the (possibly large) samples file is read.
    SolverChoice solver = infer_solver_from_args(args);
    SampleFormat input_format;
    Samples samples = read_sample_inputs(args.positional, sample_read_options(args, quiet), &input_format);
    Samples validation;
    if (arg_given(args, "validation")) {
        SampleFormat validation_format;
        SampleReadOptions validation_options = sample_read_options(args, quiet);
        validation_options.weights_column.clear();  // --weights-column names a column of the training files
        validation = read_samples(arg_string(args, "validation"), validation_options, &validation_format);
        require_same_n(args.positional[0], samples.n, arg_string(args, "validation"), validation.n);
        match_columns_by_name(input_format.names, arg_string(args, "validation"), &validation, validation_format,
                              args.positional[0], quiet);
        solver.plm_validation = &validation;
    }
    if (solver.kind == SolverKind::Erasure)
        require_memory((double)erasure_memory_bytes(samples.count, samples.n, threads),
                       "the erasure machine at n = " + std::to_string(samples.n) + ", M = " +
                       std::to_string(samples.count) + " on " + std::to_string(threads) + " thread(s)");
    if (solver.kind == SolverKind::ExactMle && samples.n > EXACT_MAX_N)
        throw UsageError("--solver mle enumerates all 2^n states: n must be <= " + std::to_string(EXACT_MAX_N) +
                         ", the samples have n = " + std::to_string(samples.n));
    warn_unreliable_samples(samples, input_format, quiet);
    // Repeated rows go to the solver as one row weighted by their count: the same data set (every solver weighs a
    // row of weight c as c copies) at a fraction of the cost. Not for --lambda auto, whose cross-validation folds are
    // folds of rows; and data without repeats are passed as they are, so their results do not change.
    Samples distinct = collapse_repeated_rows(samples);
    bool collapse = distinct.count < samples.count && !(solver.kind == SolverKind::Plm && solver.plm_lambda_auto);
    if (!quiet)
        std::fprintf(stderr, "infer: %d rows, %d distinct%s\n", samples.count, distinct.count,
                     collapse ? ": the solver sees the distinct rows weighted by their counts (the same data set)" : "");
    const Samples& fitted = collapse ? distinct : samples;
    auto start = std::chrono::steady_clock::now();
    Inference fit;
    std::string how;  // for the parameter file's comment line
    uint64_t seed = (uint64_t)arg_int(args, "seed");
    std::atomic<long long> work_done(0);
    solver.work_done = &work_done;
    if (solver.kind == SolverKind::Erasure) {
        run_with_progress("infer", "eps runs", erasure_planned_runs(erasure_options_for(solver, threads, 0)),
                          &work_done, quiet, [&]() { fit = infer_with(fitted, solver, threads, seed); });
        how = report_erasure(args, fit, samples, threads, seconds_since(start), quiet);
    } else if (solver.kind == SolverKind::ExactMle) {
        // The bar runs to --max-iter; a fit that converges stops before it (the projection is an upper bound).
        run_with_progress("infer: exact MLE (at most)", "updates", solver.max_iter >= 0 ? solver.max_iter : MleOptions().max_iter,
                          &work_done, quiet, [&]() { fit = infer_with(fitted, solver, threads, seed); });
        how = report_exact_mle(fit, solver, seconds_since(start), quiet);
    } else {
        fit = infer_with(fitted, solver, threads, seed);
        if (solver.kind == SolverKind::Plm)
            how = report_plm(args, fit, solver, samples, input_format.names, seconds_since(start), quiet);
        else how = report_mean_field(fit, samples, quiet);
    }
    if (collapse) how += ", " + std::to_string(distinct.count) + " distinct rows as weights";
    write_params(out, gauge == "01" ? params_to_zero_one(fit.params) : fit.params,
                 infer_comment(how, gauge, args.positional, samples, input_format.names));
    return 0;
}

int command_evaluate(int argc, char** argv) {
    Args args = parse_args_with(argc, argv, 2, "repro evaluate PARAMS TRUTH",
                           "Prints the mean square error of Eq. (23) between inferred and true parameters: the mean\n"
                           "of the squared differences over the n biases and the n(n-1)/2 couplings w_ij, i < j.\n"
                           "Either file may be '-' (standard input); a file written with infer --format 01 is read\n"
                           "back in the -1/+1 gauge.",
                           {}, 2, 2, {});
    FileGate gate;  // reads only, but declares them: a command's files all pass the gate
    gate.input("the input PARAMS", args.positional[0]);
    gate.input("the input TRUTH", args.positional[1]);
    gate.check();
    IsingParams inferred = read_params(args.positional[0]);
    IsingParams truth = read_params(args.positional[1]);
    require_same_n(args.positional[0], inferred.n, args.positional[1], truth.n);
    double mse = parameter_mse(inferred, truth);
    if (!std::isfinite(mse)) throw std::runtime_error("the mean square error is not a finite number");
    std::printf("%.10g\n", mse);
    finish_standard_output();  // a full disk or a closed pipe is an error, not exit status 0
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
    FileGate gate;
    gate.input("the input SAMPLES", args.positional[0]);
    gate.input("the input PARAMS", args.positional[1]);
    gate.check();
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
    finish_standard_output();
    return 0;
}
