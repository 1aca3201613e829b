// repro assess: does augmentation help the inference of *this* data set? K-fold cross-validation of every solver on
// the observed, augmented and augmented + observed data, scored on the held-out rows without true parameters
// (method/assess.h), judged paired over the folds; one part file per fold, so an interrupted run resumes.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../data/clock.h"
#include "../data/collapse.h"
#include "../data/formats.h"
#include "../data/output_gate.h"
#include "../data/subset.h"
#include "../data/version.h"
#include "../method/appendix_a.h"
#include "../method/assess.h"
#include "../method/seeds.h"
#include "../method/training_recipe.h"
#include "../report/csv.h"
#include "../report/plot.h"
#include "../report/report.h"
#include "../report/statistics.h"
#include "../runner/parts.h"
#include "../runner/args.h"
#include "commands.h"
#include "inputs.h"
#include "../figures/method_options.h"

namespace {

const char* const MEASURES[] = {"pll", "cond", "exact"};
const std::map<std::string, std::string> TITLE = {
    {"em", "erasure machine"}, {"plm-auto", "PLM, lambda by CV"}, {"plm", "PLM"}, {"mf", "mean field"},
    {"mle", "exact MLE"}, {"independent", "independent spins"}, {"obs", "observed"}, {"aug", "augmented"},
    {"aug_obs", "augmented + observed"}, {"pll", "held-out pseudo-log-likelihood (bits/spin)"},
    {"cond", "log2 p(hidden | rest) (bits/hidden spin)"}, {"exact", "held-out log-likelihood (bits/spin)"}};

struct AssessRun {
    std::string out, parts, test_path;
    std::vector<std::string> inputs;
    std::string command;  // the command line, for the summary
    AssessSettings settings;
    uint64_t seed = 1;
    bool quiet = false;
};

// A number cell, or an empty one for a measure that does not apply (the exact likelihood beyond n = 20) or a score
// that is not finite.
std::string cell(double value) { return std::isfinite(value) ? csv_number(value) : ""; }

std::string fmt(const char* format, double value) {
    char text[64];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

// The main criterion: the exact held-out likelihood where it can be computed, else fig6's conditional measure (k
// hidden spins given the rest: nearer the full likelihood than the one-spin pseudo-likelihood).
std::string primary_measure(int n) { return n <= ASSESS_EXACT_MAX_N ? "exact" : "cond"; }

std::vector<std::string> solvers_from_args(const Args& args, int n) {
    if (!arg_given(args, "solvers")) return assess_default_solvers(n);
    std::vector<std::string> solvers;
    std::string text = arg_string(args, "solvers") + ",";
    for (size_t start = 0, comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1) {
        std::string name = text.substr(start, comma - start);
        if (name != "em" && name != "plm-auto" && name != "plm" && name != "mf" && name != "mle")
            throw UsageError("--solvers: each of em, plm-auto, plm, mf, mle, got '" + name + "'");
        if (name == "mle" && n > ASSESS_EXACT_MAX_N)
            throw UsageError("--solvers mle enumerates 2^n states: n must be <= 20, the data have n = " + std::to_string(n));
        solvers.push_back(name);
    }
    return solvers;
}

// Everything that changes a fold's numbers; a parts folder written with other settings is refused, not mixed in.
std::string settings_record(const AssessRun& run, const Samples& data, const Samples* test) {
    uint64_t hash = 1469598103934665603ull;
    for (float spin : data.spins) hash = (hash ^ (spin > 0 ? 1u : 0u)) * 1099511628211ull;
    if (test)
        for (float spin : test->spins) hash = (hash ^ (spin > 0 ? 3u : 2u)) * 1099511628211ull;
    const AssessSettings& s = run.settings;
    std::string solvers;
    for (const std::string& name : s.solvers) solvers += name + " ";
    char text[512];
    std::snprintf(text, sizeof text, "data %016llx n %d M %d\ntest %s\nfolds %d seed %llu\nsolvers %s\nrecipe %s "
                  "iterations %ld rule %d batch %d sampler %s M_plus %ld widths %d,%d,%d\neps %d/%d k %d gof %ld threads %d\n",
                  (unsigned long long)hash, data.n, data.count, run.test_path.c_str(), s.folds,
                  (unsigned long long)run.seed, solvers.c_str(), s.augment.recipe.c_str(), s.iterations,
                  s.energy_variance_rule ? 1 : 0, s.augment.batch, sampler_name(s.augment.sampler).c_str(), s.M_plus,
                  s.augment.widths[0], s.augment.widths[1], s.augment.widths[2], s.grid.count, s.grid.stride,
                  s.hidden_k, s.gof_samples, s.threads);
    // Added only when on, so that parts written before the option existed stay valid.
    return std::string(text) + (s.gof_tempering ? "gof tempering\n" : "");
}

void check_parts_record(const AssessRun& run, const std::string& record) {
    std::string path = run.parts + "/settings.txt";
    if (path_exists(path)) {
        if (read_file(path) != record)
            throw std::runtime_error(run.out + " holds folds of an assessment with other data or settings (" + path +
                                     "); use another --out, or delete " + run.parts + " to start again");
        return;
    }
    make_directories(run.parts);
    write_file_atomic(path, record);
}

CsvTable fold_table(const FoldResult& fold, int index) {
    CsvTable table = csv_table({"fold", "solver", "data", "pll", "cond", "exact", "gof_m", "gof_c", "gof_t", "yard_m",
                                "yard_c", "yard_t", "eps", "lambda", "rows", "distinct_rows", "fit_seconds",
                                "generator_iteration", "generator_seconds"});
    for (const PipelineScore& p : fold.scores)
        csv_add_row(&table, {csv_integer(index), p.solver, p.data, cell(p.pll), cell(p.cond), cell(p.exact),
                             cell(p.gof_m), cell(p.gof_c), cell(p.gof_t), csv_number(fold.yard_m), csv_number(fold.yard_c), csv_number(fold.yard_t),
                             csv_number(p.eps), csv_number(p.lambda), csv_integer(p.rows), csv_integer(p.distinct_rows),
                             csv_number(p.seconds), csv_integer(fold.generator_iteration), csv_number(fold.seconds_generator)});
    return table;
}

// A rough time of the whole run, printed at the start: the generator's training and sampling rates timed on a
// throw-away model of the same size (diffusion_measure_rates), times the work of every fold left, and of the refit
// where it needs a generator; the fits are timed by the first fold.
void print_estimate(const AssessRun& run, const Samples& train, int folds_left) {
    const AssessSettings& s = run.settings;
    DiffusionModel trial;
    augment_init_model(&trial, train.n, s.augment, 12345);
    DiffusionRates rates = diffusion_measure_rates(&trial, train.spins.data(), train.count, s.augment.sampler,
                                                   s.augment.batch, s.threads);
    double generator = s.iterations * rates.seconds_per_iteration + s.M_plus * rates.seconds_per_sample;
    std::fprintf(stderr, "assess: estimated generator time %.1f min per fold (%ld iterations at %.0f it/s, %ld samples), "
                 "%.1f min for the %d fold(s) left (%.1f min more if the best pipeline uses augmented data: its refit trains "
                 "a generator on all rows); the solvers' time is measured on the first fold\n",
                 generator / 60, s.iterations, 1 / rates.seconds_per_iteration, s.M_plus, generator * folds_left / 60, folds_left,
                 generator / 60);
}

// Runs the folds that have no part yet.
void run_folds(const AssessRun& run, const Samples& data, const Samples* test) {
    const int folds = run.settings.folds;
    std::vector<int> fold_of = assess_fold_of_rows(data.count, folds, derive_seed(run.seed, 500));
    int left = 0;
    for (int f = 0; f < folds; f++) left += !part_exists(run.parts, "fold_" + std::to_string(f));
    if (left < folds && !run.quiet)
        std::fprintf(stderr, "assess: resuming: %d of %d fold(s) done in %s\n", folds - left, folds, run.parts.c_str());
    if (!run.quiet && left > 0) print_estimate(run, data, left);
    for (int f = 0, done = 0; f < folds; f++) {
        std::string id = "fold_" + std::to_string(f);
        if (part_exists(run.parts, id)) continue;
        Samples train, held;
        if (test) {
            train = data;
            held = *test;
        } else {
            assess_split(data, fold_of, f, &train, &held);
        }
        if (!run.quiet)
            std::fprintf(stderr, "assess: fold %d of %d: %d training rows (%d distinct), %d held out\n", f + 1, folds,
                         train.count, collapse_repeated_rows(train).count, held.count);
        auto start = std::chrono::steady_clock::now();
        FoldResult result = assess_fold(train, held, run.settings, derive_seed(run.seed, 1000 + f));
        part_write(run.parts, id, fold_table(result, f));
        double seconds = seconds_since(start);
        done++;
        if (!run.quiet)
            std::fprintf(stderr, "assess: fold %d done in %.1f min (generator %.1f, fits and scores %.1f); about %.1f min "
                         "left\n", f + 1, seconds / 60, result.seconds_generator / 60, result.seconds_fits / 60,
                         seconds * (left - done + 1) / 60);
    }
}

// Every fold's value of `measure` for one pipeline, in fold order (folds pair up across pipelines).
std::vector<double> fold_values(const CsvTable& scores, const std::string& solver, const std::string& data,
                                const std::string& measure) {
    std::vector<double> values;
    for (size_t r = 0; r < scores.rows.size(); r++)
        if (csv_cell(scores, r, "solver") == solver && csv_cell(scores, r, "data") == data) {
            const std::string& text = csv_cell(scores, r, measure);
            values.push_back(text.empty() ? NAN : csv_double(scores, r, measure));
        }
    return values;
}

std::vector<double> differences(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> d;
    for (size_t k = 0; k < a.size() && k < b.size(); k++) d.push_back(a[k] - b[k]);
    return d;
}

struct Best {
    std::string solver, data;
    double mean = -INFINITY;
};

// The pipeline with the highest mean of the main measure over the folds (the independent baseline excluded).
Best best_pipeline(const CsvTable& scores, const std::vector<std::string>& solvers, const std::string& measure) {
    Best best;
    for (const std::string& solver : solvers)
        for (const std::string& data : assess_data_names()) {
            double mean = estimate_of(fold_values(scores, solver, data, measure)).mean;
            if (mean > best.mean) best = {solver, data, mean};
        }
    return best;
}

std::string verdict_text(const PairedVerdict& v) {
    if (v.count == 1) return "single run (" + fmt("%+.4f", v.mean) + ")";
    return v.verdict + " (" + fmt("%+.4f", v.mean) + " ± " + fmt("%.4f", v.half_width) + ")";
}

// The pipelines' table: mean ± sd over folds of every measure.
std::string scores_markdown(const CsvTable& scores, const std::vector<std::string>& solvers, int n) {
    std::string md = "| pipeline | pseudo-log-lik. (bits/spin) | log2 p(hidden \\| rest) |" +
                     std::string(n <= ASSESS_EXACT_MAX_N ? " log-lik. (bits/spin) |" : "") +
                     " gof: rms dm | rms dC_ij | rms dC_ijk | distinct rows |\n|---|---:|---:|" +
                     (n <= ASSESS_EXACT_MAX_N ? "---:|" : "") + "---:|---:|---:|---:|\n";
    std::vector<std::pair<std::string, std::string>> rows = {{"independent", "obs"}};
    for (const std::string& solver : solvers)
        for (const std::string& data : assess_data_names()) rows.push_back({solver, data});
    for (const auto& [solver, data] : rows) {
        md += "| " + TITLE.at(solver) + (solver == "independent" ? "" : ", " + TITLE.at(data)) + " |";
        for (const char* measure : {"pll", "cond", "exact", "gof_m", "gof_c", "gof_t"}) {
            if (std::string(measure) == "exact" && n > ASSESS_EXACT_MAX_N) continue;
            md += " " + estimate_text(estimate_of(fold_values(scores, solver, data, measure)), 4) + " |";
        }
        md += " " + fmt("%.0f", estimate_of(fold_values(scores, solver, data, "distinct_rows")).mean) + " |\n";
    }
    md += "| (yardstick: training rows against held-out rows) | | |" + std::string(n <= ASSESS_EXACT_MAX_N ? " |" : "");
    for (const char* measure : {"yard_m", "yard_c", "yard_t"})
        md += " " + estimate_text(estimate_of(fold_values(scores, "independent", "obs", measure)), 4) + " |";
    return md + " |\n";
}

// Per solver: augmented and augmented + observed against observed, paired over folds, by each likelihood measure.
std::string verdicts_markdown(const CsvTable& scores, const std::vector<std::string>& solvers, int n,
                              std::map<std::string, std::string>* primary_verdicts) {
    std::string primary = primary_measure(n);
    std::string md = "| solver | measure | augmented vs observed | augmented + observed vs observed |\n|---|---|---|---|\n";
    for (const std::string& solver : solvers)
        for (const char* measure : MEASURES) {
            if (std::string(measure) == "exact" && n > ASSESS_EXACT_MAX_N) continue;
            std::vector<double> obs = fold_values(scores, solver, "obs", measure);
            PairedVerdict aug = assess_paired_verdict(differences(fold_values(scores, solver, "aug", measure), obs));
            PairedVerdict both = assess_paired_verdict(differences(fold_values(scores, solver, "aug_obs", measure), obs));
            md += "| " + TITLE.at(solver) + " | " + measure + (measure == primary ? " (main)" : "") + " | " +
                  verdict_text(aug) + " | " + verdict_text(both) + " |\n";
            // The one-word answer is one test, augmented + observed against observed (what a user would fit, and the
            // call fig7 and fig8 judge): "either comparison helps" would be two tests, a false "helps" twice as likely.
            if (measure == primary) (*primary_verdicts)[solver] = both.verdict;
        }
    return md;
}

// The plain-words answer.
std::string answer_paragraph(const CsvTable& scores, const std::vector<std::string>& solvers, int n, int M, int folds,
                             const Best& best, const std::map<std::string, std::string>& verdicts) {
    std::string measure = primary_measure(n);
    std::string md = "On these data (n = " + std::to_string(n) + ", " + std::to_string(M) + " rows, " +
                     (folds > 1 ? std::to_string(folds) + "-fold cross-validation" : std::string("one held-out test set")) +
                     ") the best pipeline by the " + TITLE.at(measure) + " is **" + TITLE.at(best.solver) + " on " +
                     TITLE.at(best.data) + " data** (" + fmt("%.4f", best.mean) + "); its parameters, refit on all the rows, "
                     "are in params.txt. ";
    std::map<std::string, std::vector<std::string>> by_verdict;
    for (const std::string& solver : solvers) by_verdict[verdicts.at(solver)].push_back(TITLE.at(solver));
    const char* order[] = {"helps", "hurts", "undecided", "single run"};
    md += "Does augmentation help? Judged on augmented + observed against observed data (" +
          std::string(folds > 1 ? "95 % paired t-test over folds" : "one test set") +
          "; augmented data alone are in the table). ";
    const char* words[] = {"It helps ", "It hurts ", "It makes no clear difference (undecided) for ",
                           "With one test set there is no test of significance; the single differences are in the "
                           "table for "};
    for (int v = 0; v < 4; v++) {
        if (!by_verdict.count(order[v])) continue;
        md += words[v];
        for (size_t k = 0; k < by_verdict[order[v]].size(); k++) md += (k ? ", " : "") + by_verdict[order[v]][k];
        md += ". ";
    }
    double fit = estimate_of(fold_values(scores, best.solver, best.data, "gof_c")).mean;
    double yard = estimate_of(fold_values(scores, "independent", "obs", "yard_c")).mean;
    md += "Goodness of fit (Schneidman et al. 2006): samples of the recommended fit are " + fmt("%.2f", fit / yard) +
          "x as far from the held-out pair correlations as the training rows are (1 = as close as finite data can show)"
          ". The folds share training rows, so the t-test's interval is widened for it (Nadeau & Bengio's corrected "
          "resampled t); a verdict near the edge of its interval deserves a rerun with another --seed.";
    return md;
}

// assess.png: the main measure and the pseudo-likelihood per solver across the three data sets, mean ± sd over folds.
void write_plot(const AssessRun& run, const CsvTable& scores, const std::vector<std::string>& solvers, int n) {
    std::vector<PlotPanel> panels;
    const char* colors[] = {"black", "blue", "sky", "green", "purple"};
    std::vector<std::string> measures = {primary_measure(n)};
    if (measures[0] != "pll") measures.push_back("pll");
    for (const std::string& measure : measures) {
        CsvTable table = csv_table({"solver", "data_index", "mean", "sd"});
        for (const std::string& solver : solvers)
            for (size_t d = 0; d < assess_data_names().size(); d++) {
                Estimate e = estimate_of(fold_values(scores, solver, assess_data_names()[d], measure));
                csv_add_row(&table, {solver, csv_integer((long long)d + 1), cell(e.mean), sd_cell(e)});
            }
        csv_write(run.out + "/assess_" + measure + ".csv", table);
        PlotPanel panel;
        panel.title = TITLE.at(measure) + ", mean ± sd over folds";
        panel.ylabel = "bits";
        panel.xrange = "[0.7:3.3]";
        panel.xtics = "(\"observed\" 1, \"augmented\" 2, \"aug. + observed\" 3)";
        panel.key = "below";
        for (size_t k = 0; k < solvers.size(); k++)
            panel.series.push_back({"assess_" + measure + ".csv", "data_index", "mean", "sd", "solver", solvers[k],
                                    style_line(colors[k % 5], LineKind::Solid, Marker::FilledCircle), TITLE.at(solvers[k])});
        // The yardstick every pairwise fit should beat (fig6's "independent neurons"): no couplings at all.
        double independent = estimate_of(fold_values(scores, "independent", "obs", measure)).mean;
        if (std::isfinite(independent))
            panel.references.push_back({independent, LineKind::Dashed, "gray", "independent spins"});
        panels.push_back(panel);
    }
    PlotLayout layout;
    layout.cols = (int)panels.size();
    plot_write_and_render(run.out, "assess", panels, layout);
}

}  // namespace

namespace {

// The recommended pipeline refit on all the rows of DATA (a new generator when it uses augmented data).
IsingParams refit_best(const AssessRun& run, const Samples& data, const Samples* test, const Best& best) {
    if (!run.quiet)
        std::fprintf(stderr, "assess: refitting %s on %s data, all %d rows\n", TITLE.at(best.solver).c_str(),
                     TITLE.at(best.data).c_str(), data.count);
    uint64_t seed = derive_seed(run.seed, 2000);
    if (best.data == "obs") return assess_fit(best.solver, data, run.settings, derive_seed(seed, 10)).params;
    long iteration = 0;
    bool crossed = false;
    // The energy-variance rule needs held-out rows: the --test file; with folds every row is training now, and the
    // generator trains through its whole budget.
    AssessSettings settings = run.settings;
    if (!test) settings.energy_variance_rule = false;
    Samples fit_data = assess_generate(data, settings.energy_variance_rule ? test : nullptr, settings,
                                       derive_seed(seed, 20), &iteration, &crossed);
    if (best.data == "aug_obs") append_samples(&fit_data, data, "the rows");
    return assess_fit(best.solver, fit_data, settings, derive_seed(seed, 10)).params;
}

void write_results(const AssessRun& run, const Samples& data, const Samples* test) {
    CsvTable scores;
    for (int f = 0; f < run.settings.folds; f++) {
        CsvTable part = part_read(run.parts, "fold_" + std::to_string(f));
        if (f == 0) scores = csv_table(part.header);
        for (const auto& row : part.rows) csv_add_row(&scores, row);
    }
    const std::vector<std::string>& solvers = run.settings.solvers;
    const int n = data.n;
    std::map<std::string, std::string> verdicts;
    std::string verdict_table = verdicts_markdown(scores, solvers, n, &verdicts);
    Best best = best_pipeline(scores, solvers, primary_measure(n));
    IsingParams params = refit_best(run, data, test, best);
    std::string inputs;
    for (const std::string& input : run.inputs) inputs += (inputs.empty() ? "" : " ") + input;
    std::string md = "# repro assess: does augmentation help the inference of these data?\n\n" +
                     answer_paragraph(scores, solvers, n, data.count, run.settings.folds, best, verdicts) +
                     "\n\n## Verdicts, paired over folds (difference of the mean score, ± the 95 % half-width of the corrected "
                     "resampled t, which allows for the folds' shared training rows)\n\n" +
                     verdict_table + "\n## Scores on the held-out rows, mean ± sd over folds\n\n" +
                     scores_markdown(scores, solvers, n) +
                     "\nHigher likelihoods are better; gof: root-mean-square differences of the magnetisations, "
                     "connected pair and third-order correlations of " + std::to_string(run.settings.gof_samples) +
                     (run.settings.gof_tempering ? " parallel-tempering" : " Metropolis") +
                     " samples of each fit against the held-out rows (lower is better; the yardstick row is the "
                     "training rows' own distance; a fit far beyond it is a model whose own equilibrium differs from the "
                     "data even where its conditionals predict them well, as PLM's on spike data: docs/findings.md). "
                     "log2 p(hidden | rest): " + std::to_string(run.settings.hidden_k) + " hidden spins per held-out row, "
                     "exact over their completions (fig6's measure).\n\n## Settings\n\n- command: `" + run.command + "`\n- inputs: " + inputs +
                     (run.test_path.empty() ? "" : "\n- test file: " + run.test_path) +
                     "\n- generator: recipe " + run.settings.augment.recipe + ", " + std::to_string(run.settings.iterations) +
                     " iterations" + (run.settings.energy_variance_rule ? " at most (energy-variance rule)" : "") +
                     ", sampler " + sampler_name(run.settings.augment.sampler) + ", M+ = " + std::to_string(run.settings.M_plus) +
                     "\n- erasure machine: " + erasure_grid_text(run.settings.grid) + "\n- seed " + std::to_string(run.seed) +
                     ", repro " + repro_version() + "\n";
    AtomicFileGroup outputs;
    csv_write(run.out + "/scores.csv", scores);
    write_params(run.out + "/params.txt", params, "repro assess: recommended pipeline " + best.solver + " on " + best.data +
                 ", refit on all rows of " + inputs + ", n " + std::to_string(n) + ", M " + std::to_string(data.count) +
                 ", gauge -1/+1: E(s) = -sum_i b_i s_i - sum_{i<j} w_ij s_i s_j, repro " + repro_version());
    write_file_atomic(run.out + "/summary.md", md);
    outputs.commit();
    write_plot(run, scores, solvers, n);
    if (!run.quiet) std::fprintf(stderr, "assess: wrote %s/summary.md, scores.csv, params.txt, assess.png\n", run.out.c_str());
}

AssessSettings settings_from_args(const Args& args, int n, int threads, bool quiet) {
    AssessSettings s;
    s.threads = threads;
    s.solvers = solvers_from_args(args, n);
    s.M_plus = (long)arg_int_in_range(args, "M-plus", 10, 100000000);
    s.augment.recipe = recipe_from_args(args);
    s.augment.ema_decay = ema_decay_from_args(args);
    s.augment.batch = (int)arg_int_in_range(args, "batch", 1, 65536);
    s.augment.sampler = sampler_from_args(args, quick_sampler());
    s.augment.threads = threads;
    s.augment.probe_count = 2000;
    augment_display(&s.augment, quiet);
    s.augment.log = nullptr;  // the rule's per-checkpoint lines would drown the fold lines
    if (arg_given(args, "widths")) {
        std::vector<long> widths = parse_long_list(arg_string(args, "widths"), "widths");
        if (widths.size() != 3) throw UsageError("--widths needs three positive integers like 128,256,512");
        for (int k = 0; k < 3; k++) s.augment.widths[k] = (int)widths[k];
    }
    s.iterations = (long)arg_int_in_range(args, "iterations", 0, 1000000000);
    std::string stop = arg_string(args, "stop");
    if (stop != "none" && stop != "energy-variance") throw UsageError("--stop must be none or energy-variance, got '" + stop + "'");
    s.energy_variance_rule = stop == "energy-variance";
    if (s.energy_variance_rule && s.iterations < 1000) throw UsageError("--stop energy-variance needs --iterations >= 1000");
    s.grid = erasure_grid_from_args(args, false);
    s.hidden_k = arg_given(args, "k-hidden") ? (int)arg_int_in_range(args, "k-hidden", 1, std::min(20, n)) : assess_hidden_k(n);
    s.gof_samples = (long)arg_int_in_range(args, "gof-samples", 100, 10000000);
    s.gof_tempering = arg_flag(args, "tempering");
    if (!quiet) s.log = [](const std::string& line) { std::fprintf(stderr, "  %s\n", line.c_str()); };
    return s;
}

// --most-active K and --rows K: the part of a recording to assess (data/subset.h); the test file keeps the same spins.
void choose_part(const Args& args, const AssessRun& run, Samples* data, SampleFormat* format, Samples* test, bool quiet) {
    if (arg_given(args, "most-active")) {
        int count = (int)arg_int_in_range(args, "most-active", 1, data->n);
        std::vector<int> columns = most_active_columns(*data, count);
        *data = select_columns(*data, columns);
        if (test) *test = select_columns(*test, columns);
        if (!format->names.empty()) {
            std::vector<std::string> names;
            for (int c : columns) names.push_back(format->names[c]);
            format->names = names;
        }
        if (!quiet) std::fprintf(stderr, "assess: kept the %d most active spins\n", count);
    }
    if (arg_given(args, "rows")) {
        long count = (long)arg_int_in_range(args, "rows", 2, data->count);
        *data = random_rows(*data, count, derive_seed(run.seed, 600));
        if (!quiet) std::fprintf(stderr, "assess: a random subset of %ld rows\n", count);
    }
}

std::vector<OptionSpec> assess_options() {
    std::vector<OptionSpec> options = {
        {"out", "DIR", "", "folder for summary.md, scores.csv, assess.png, params.txt and parts/ (required)"},
        {"folds", "K", "4", "cross-validation folds (n = 40, M = 4000: 10.4 min measured on 2 idle AMD Zen 3 cores; docs/commands.md)"},
        {"test", "FILE", "", "held-out rows to score on instead of folds (one run, no t-test)"},
        {"solvers", "LIST", "", "of em, plm-auto, plm, mf, mle (default: all four, and mle where n <= 12; mle allowed up to n = 20)"},
        {"M-plus", "K", "20000", "generated samples per fold"},
        {"iterations", "I", "8000", "generator training iterations (the fast recipe's whole schedule)"},
        {"stop", "RULE", "none", "none, or energy-variance (the paper's rule; its target is Var[E] of the held-out rows)"},
        {"recipe", "NAME", "fast", "generator training recipe: fast (lr 1e-3, warm-up, cosine decay to 8000, EMA "
                                   "0.999) or paper (Adam 1e-4; give --iterations 32000)"},
        {"widths", "W1,W2,W3", "", "other encoder widths of the denoiser (default Appendix A's for n)"},
        {"k-hidden", "K", "", "hidden spins per held-out row for log2 p(hidden | rest) (default min(14, 0.35 n))"},
        {"gof-samples", "S", "10000", "Metropolis samples of each fit for the goodness of fit"},
        {"tempering", "", "", "draw the goodness-of-fit samples by parallel tempering (as repro sample --tempering; "
                              "for fits with several basins; about sqrt(n) + 2 times the cost)"},
        {"most-active", "K", "", "keep the K spins most often +1 (1 in 0/1 data), as fig6 keeps the retina's 40 most "
                                 "active neurons"},
        {"rows", "K", "", "use a random subset of K rows (seeded; rows are exchangeable in an Ising model)"}};
    for (const OptionSpec& option : diffusion_options()) options.push_back(option);
    for (const OptionSpec& option : erasure_options()) options.push_back(option);
    return with_sample_input_options(options, false);
}

}  // namespace

int command_assess(int argc, char** argv) {
    Args args = parse_args(
        argc, argv, 2, "repro assess DATA [MORE ...] --out DIR [--folds K | --test FILE] [--recipe fast|paper] "
        "[--solvers LIST] [--M-plus K] [--iterations I] [--stop none|energy-variance]",
        "Does diffusion augmentation help the inference of these data? Splits the rows (all files read as one data\n"
        "set) into K folds; per fold trains the diffusion model on the other folds, draws M+ samples, fits every\n"
        "solver on the observed, augmented and augmented + observed rows, and scores each fit on the held-out fold\n"
        "without true parameters: held-out pseudo-log-likelihood per spin, log2 p of k hidden spins given the rest\n"
        "(fig6's measure), the exact held-out log-likelihood where n <= 20 (the main measure there; elsewhere the\n"
        "hidden-spin measure is), and the goodness of fit of Schneidman et al. 2006 (magnetisations, pair and\n"
        "third-order correlations of samples of the fit against the held-out rows). Verdicts per solver, paired over\n"
        "folds by a 95 % t-test (corrected for the folds' shared training rows, Nadeau & Bengio 2003): helps,\n"
        "hurts, undecided. Writes DIR/summary.md (table and answer), scores.csv,\n"
        "assess.png and params.txt (the best pipeline refit on all rows); each finished fold is kept in\n"
        "DIR/parts/, so the same command after an interruption resumes. Identical rows are given to the solvers as\n"
        "one weighted row (the same data set; PLM with lambda by CV excepted, its folds are folds of rows).",
        assess_options(), 1, 1000);
    const int threads = apply_threads(args);
    const bool quiet = arg_flag(args, "quiet");
    AssessRun run;
    run.out = arg_string(args, "out");
    run.parts = run.out + "/parts";
    run.inputs = args.positional;
    run.command = command_line_text(argc, argv);
    run.seed = (uint64_t)arg_int(args, "seed");
    run.quiet = quiet;
    FileGate gate;  // every input and the output folder (summary.md, scores.csv, params.txt, assess.png, parts/)
    for (const std::string& input : args.positional) gate.input("the input DATA", input);
    if (arg_given(args, "test")) {
        run.test_path = arg_string(args, "test");
        if (arg_given(args, "folds")) throw UsageError("give --folds or --test, not both");
    }
    gate.input("--test", run.test_path);
    gate.output_folder("--out", run.out);
    gate.check();
    int folds = run.test_path.empty() ? (int)arg_int_in_range(args, "folds", 1, 100) : 1;
    if (folds == 1 && run.test_path.empty()) throw UsageError("--folds 1 leaves no held-out rows: give --folds >= 2 or --test FILE");
    recipe_from_args(args);
    SampleFormat format;
    Samples data = read_sample_inputs(args.positional, sample_read_options(args, quiet), &format);
    Samples test;
    if (!run.test_path.empty()) {
        test = read_samples(run.test_path, sample_read_options(args, quiet), nullptr);
        require_same_n(args.positional[0], data.n, run.test_path, test.n);
    }
    choose_part(args, run, &data, &format, run.test_path.empty() ? nullptr : &test, quiet);
    warn_unreliable_samples(data, format, quiet);
    if (data.count < 2 * folds)  // each fold holds out at least 2 rows, and trains on the others
        throw std::runtime_error("assess: " + std::to_string(data.count) + " rows cannot make " + std::to_string(folds) +
                                 " folds of at least 2 rows each: " +
                                 (data.count >= 4 ? "give --folds " + std::to_string(data.count / 2) + " or fewer"
                                                  : std::string("assess needs at least 4 rows")));
    run.settings = settings_from_args(args, data.n, threads, quiet);
    run.settings.folds = folds;
    if (!quiet)
        std::fprintf(stderr, "assess: n = %d, %d rows (%d distinct), %s; solvers:%s\n", data.n, data.count,
                     collapse_repeated_rows(data).count,
                     folds > 1 ? (std::to_string(folds) + " folds").c_str() : ("test file " + run.test_path).c_str(),
                     [&]() { std::string t; for (auto& s : run.settings.solvers) t += " " + s; return t; }().c_str());
    check_parts_record(run, settings_record(run, data, run.test_path.empty() ? nullptr : &test));
    run_folds(run, data, run.test_path.empty() ? nullptr : &test);
    write_results(run, data, run.test_path.empty() ? nullptr : &test);
    return 0;
}
