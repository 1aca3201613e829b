// `repro fig2`: Fig. 2 of the paper (Sec. III A). Inverse Ising inference from data augmented by a diffusion model,
// as a function of how long the model was trained; and the energy-variance rule that picks where to stop.
//
//   1. SK model n = 40, g = 1: b, w ~ N(0, g²/n); 2M Metropolis samples, first M train, second M test.
//   2. Erasure machine on the training data → params_obs, MSE_obs (Eq. 23); Var[E] of train and test under params_obs.
//   3. Two controls the paper lacks: "oracle" = erasure machine on M⁺ fresh samples of the true model (the best any
//      augmentation could do); "bootstrap" = on M⁺ rows drawn with replacement from the training set (what mere
//      replication gives, the over-trained limit).
//   4. DDPM trained on the training data; at each checkpoint: M⁺ generated samples → erasure machine → MSE_aug,
//      and Var[E(aug)] under params_obs (Fig. 2f). Also aug+obs (inference on the union).
//   5. Stopping: the first checkpoint where Var[E(aug)] comes down to Var[E(test)] (experiments/stopping.h);
//      for comparison, where matching Var[E(train)] would have stopped.
// Resumable: each finished checkpoint leaves OUT/work/checkpoint_<iter>.csv and the model OUT/work/model.bin, so
// rerunning the same command continues where it stopped.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../diffusion/progress.h"
#include "../ising/energy.h"
#include "../ising/metrics.h"
#include "../ising/metropolis.h"
#include "args.h"
#include "commands.h"
#include "csv.h"
#include "pipeline.h"
#include "plot.h"
#include "report.h"

namespace {

constexpr long PROBE_CHECK = 2000;  // the quick probe size of fig3–fig6

struct Fig2Settings {
    std::string scale;
    int n, M, M_test;
    double g;
    long M_plus;
    std::vector<long> checkpoints;
    int batch;
    SolverChoice solver;  // the erasure machine unless --solver says otherwise
    SamplerOptions sampler;
    uint64_t seed;
};

// Paper scale: checkpoints 1000·2^(k/2), k = 0 … 19, and 1,000,000 — 21 log-spaced points from 1k to 1M that
// include 1,000, 32,000 and 1,000,000 (the panels b–d).
std::vector<long> paper_checkpoints() {
    std::vector<long> points;
    for (int k = 0; k < 20; k++) points.push_back(std::lround(1000.0 * std::pow(2.0, k / 2.0)));
    points.push_back(1000000);
    return points;
}

std::vector<long> parse_checkpoint_list(const std::string& text) {
    std::vector<long> points;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string word = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        char* end = nullptr;
        long value = std::strtol(word.c_str(), &end, 10);
        if (word.empty() || *end != '\0' || value <= 0)
            throw UsageError("--checkpoints needs increasing positive integers separated by commas, got '" + text + "'");
        if (!points.empty() && value <= points.back()) throw UsageError("--checkpoints must increase: '" + text + "'");
        points.push_back(value);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return points;
}

std::string settings_text(const Fig2Settings& s) {
    char text[512];
    std::snprintf(text, sizeof text, "n=%d g=%.17g M=%d M_test=%d M_plus=%ld batch=%d eps=%d/%d sampler=%s steps=%d "
                  "eta=%.17g seed=%llu checkpoints=", s.n, s.g, s.M, s.M_test, s.M_plus, s.batch, s.solver.grid.count, s.solver.grid.stride,
                  s.sampler.kind == SamplerKind::ddpm ? "ddpm" : "ddim", s.sampler.steps, s.sampler.eta,
                  (unsigned long long)s.seed);
    std::string out = text;
    for (long c : s.checkpoints) out += std::to_string(c) + ",";
    if (s.solver.kind != SolverKind::Erasure) out += " solver=" + solver_name(s.solver);  // unchanged for the paper's
    return out;
}

std::string fmt(const char* format, double value) {
    char text[64];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

// The checkpoint in the schedule nearest (in log-iteration) to `target`.
long nearest_checkpoint(const std::vector<long>& checkpoints, long target) {
    long best = checkpoints.front();
    for (long c : checkpoints)
        if (std::fabs(std::log((double)c / target)) < std::fabs(std::log((double)best / target))) best = c;
    return best;
}

}  // namespace

int command_fig2(int argc, char** argv) {
    std::vector<OptionSpec> spec = {
        {"scale", "S", "quick", "quick (<= 15 min on 2 cores) or paper (M+ = 100,000, 1,000,000 iterations)"},
        {"out", "DIR", "results/fig2", "output directory"},
        {"n", "N", "40", "spins"},
        {"g", "G", "1", "coupling scale: b, w ~ N(0, g^2/n)"},
        {"M", "M", "4000", "training samples (the same number again is drawn as the test set)"},
        {"M-plus", "K", "", "augmented samples per checkpoint (quick 20000, paper 100000)"},
        {"iterations", "I", "", "last checkpoint (quick 32000, paper 1000000)"},
        {"checkpoints", "LIST", "", "comma-separated checkpoint iterations (overrides --iterations)"}};
    for (const OptionSpec& option : diffusion_options()) spec.push_back(option);  // --batch, --sampler, --steps, --eta
    for (const OptionSpec& option : erasure_options()) spec.push_back(option);    // --eps-count, --eps-stride
    for (const OptionSpec& option : solver_options()) spec.push_back(option);     // --solver, --lambda
    Args args = parse_args(
        argc, argv, 2, "repro fig2 [--scale quick|paper] [--out DIR] [options]",
        "Fig. 2: MSE of inverse Ising inference from diffusion-augmented data along the diffusion training, the\n"
        "energy variances of Fig. 2f and the energy-variance stopping rule; with the oracle and bootstrap controls.\n"
        "Writes fig2.csv, references.csv, params_*.txt, fig2.png (+ fig2.gp), summary.md, claims.csv, run_info.csv.\n"
        "Rerunning the same command continues an interrupted run (state in OUT/work/).",
        spec, 0, 0);
    auto start_time = std::chrono::steady_clock::now();
    Fig2Settings s;
    s.scale = arg_string(args, "scale");
    if (s.scale != "quick" && s.scale != "paper") throw UsageError("--scale must be quick or paper");
    bool paper = s.scale == "paper";
    std::string out = arg_string(args, "out");
    s.n = (int)arg_int(args, "n");
    s.g = arg_double(args, "g");
    s.M = (int)arg_int(args, "M");
    s.M_test = s.M;
    s.M_plus = arg_int_or(args, "M-plus", paper ? 100000 : 20000);
    long last = arg_int_or(args, "iterations", paper ? 1000000 : 32000);
    if (arg_given(args, "checkpoints")) s.checkpoints = parse_checkpoint_list(arg_string(args, "checkpoints"));
    else if (paper && !arg_given(args, "iterations")) s.checkpoints = paper_checkpoints();
    else s.checkpoints = doubling_schedule(std::min(1000L, last), last);
    s.batch = (int)arg_int(args, "batch");
    s.solver = solver_from_args(args, paper);
    s.sampler = sampler_from_args(args, paper ? SamplerOptions() : quick_sampler());  // paper: DDPM, all 1000 steps
    s.seed = (uint64_t)arg_int(args, "seed");
    bool quiet = arg_flag(args, "quiet");
    int threads = apply_threads(args);
    if (s.n < 2 || s.n > 200 || s.M < 10 || s.M_plus < 10 || s.g <= 0 || s.batch < 1)
        throw UsageError("need 2 <= n <= 200, M >= 10, M-plus >= 10, g > 0, batch >= 1");

    std::string work = out + "/work";
    make_directories(work);
    std::string settings = settings_text(s);
    std::string settings_path = work + "/settings.txt";
    if (path_exists(settings_path) && read_file(settings_path) != settings)
        throw std::runtime_error(out + " holds an unfinished run with other settings (" + settings_path +
                                 "); use another --out or delete " + work);
    write_file_atomic(settings_path, settings);
    auto say = [&](const std::string& text) { if (!quiet) std::fprintf(stderr, "fig2: %s\n", text.c_str()); };

    // 1–2. Data, observed-only inference and the fixed energy variances.
    say("sampling the SK model (n=" + std::to_string(s.n) + ", 2M=" + std::to_string(2 * s.M) + ")");
    SkData data = make_sk_data(s.n, s.g, s.M, s.M_test, s.seed, threads);
    write_params(out + "/params_true.txt", data.truth);
    say("inference (" + solver_name(s.solver) + ") on the observed data");
    Inference observed = infer_with(data.train, s.solver, threads, derive_seed(s.seed, 10));
    write_params(out + "/params_obs.txt", observed.params);
    double mse_obs = parameter_mse(observed.params, data.truth);
    double var_train = energy_stats(observed.params, data.train).variance;
    double var_test = energy_stats(observed.params, data.test).variance;
    say("MSE_obs = " + fmt("%.5f", mse_obs) + ", Var[E(train)] = " + fmt("%.2f", var_train) +
        ", Var[E(test)] = " + fmt("%.2f", var_test));

    // 3. Controls (cached in work/ so a resumed run does not redo them).
    std::string controls_path = work + "/controls.csv";
    CsvTable controls;
    if (path_exists(controls_path)) {
        controls = csv_read(controls_path);
    } else {
        say("oracle control: " + std::to_string(s.M_plus) + " fresh Metropolis samples of the true model");
        Rng rng;
        rng_seed(&rng, derive_seed(s.seed, 4));
        Samples fresh = metropolis_sample(data.truth, (int)s.M_plus, metropolis_default_burn_in(data.truth),
                                          metropolis_default_thin(data.truth), &rng, threads);
        Inference oracle = infer_with(fresh, s.solver, threads, derive_seed(s.seed, 10));
        say("bootstrap control: " + std::to_string(s.M_plus) + " rows drawn with replacement from the training set");
        rng_seed(&rng, derive_seed(s.seed, 5));
        Samples replicated = bootstrap_samples(data.train, s.M_plus, &rng);
        Inference bootstrap = infer_with(replicated, s.solver, threads, derive_seed(s.seed, 10));
        controls = csv_table({"control", "mse", "var_e"});
        csv_add_row(&controls, {"oracle", csv_number(parameter_mse(oracle.params, data.truth)),
                                csv_number(energy_stats(observed.params, fresh).variance)});
        csv_add_row(&controls, {"bootstrap", csv_number(parameter_mse(bootstrap.params, data.truth)),
                                csv_number(energy_stats(observed.params, replicated).variance)});
        csv_write(controls_path, controls);
    }
    double mse_oracle = csv_double(controls, 0, "mse"), mse_bootstrap = csv_double(controls, 1, "mse");
    double var_oracle = csv_double(controls, 0, "var_e");

    // 4. Diffusion training with a checkpoint row per scheduled iteration.
    DiffusionModel model;
    std::string model_path = work + "/model.bin";
    if (path_exists(model_path)) {
        checkpoint_load(&model, model_path);
        say("resuming from " + model_path + " at iteration " + std::to_string(model.iteration));
    } else {
        diffusion_init(&model, diffusion_config_for(s.n), derive_seed(s.seed, 2));
    }
    for (long checkpoint : s.checkpoints) {
        std::string row_path = work + "/checkpoint_" + std::to_string(checkpoint) + ".csv";
        if (path_exists(row_path)) continue;
        if (model.iteration > checkpoint)
            throw std::runtime_error(model_path + " is at iteration " + std::to_string(model.iteration) +
                                     " but checkpoint " + std::to_string(checkpoint) + " has no results; delete " + work);
        auto t0 = std::chrono::steady_clock::now();
        say("training to iteration " + std::to_string(checkpoint));
        diffusion_train(&model, data.train.spins.data(), data.train.count, checkpoint - model.iteration, s.batch,
                        threads, progress_display(quiet, "train", "it"));
        checkpoint_save(model, model_path);
        auto t1 = std::chrono::steady_clock::now();
        say("generating " + std::to_string(s.M_plus) + " samples at iteration " + std::to_string(checkpoint));
        Samples augmented = generate_samples(model, s.M_plus, s.sampler, derive_seed(s.seed, 1000 + checkpoint),
                                             threads, quiet);
        auto t2 = std::chrono::steady_clock::now();
        Inference aug = infer_with(augmented, s.solver, threads, derive_seed(s.seed, 10));
        Inference aug_obs = infer_with(samples_concat(augmented, data.train), s.solver, threads,
                                              derive_seed(s.seed, 10));
        write_params(out + "/params_aug_" + std::to_string(checkpoint) + ".txt", aug.params);
        CsvTable row = csv_table({"iteration", "mse_aug", "mse_aug_obs", "var_e_aug", "var_e_probe", "eps_aug",
                                  "seconds_train", "seconds_sample"});
        double mse_aug = parameter_mse(aug.params, data.truth);
        double var_aug = energy_stats(observed.params, augmented).variance;
        // The later figures estimate Var[E(aug)] from a probe of PROBE_CHECK samples only: the same quantity from the
        // first PROBE_CHECK of these samples shows whether that changes the stopping decision (summary.md).
        double var_probe = energy_stats(observed.params, sample_rows(augmented, 0, std::min<long>(PROBE_CHECK, s.M_plus))).variance;
        csv_add_row(&row, {csv_integer(checkpoint), csv_number(mse_aug),
                           csv_number(parameter_mse(aug_obs.params, data.truth)), csv_number(var_aug), csv_number(var_probe),
                           csv_number(aug.eps),
                           csv_number(std::chrono::duration<double>(t1 - t0).count()),
                           csv_number(std::chrono::duration<double>(t2 - t1).count())});
        csv_write(row_path, row);
        say("iteration " + std::to_string(checkpoint) + ": MSE_aug = " + fmt("%.5f", mse_aug) +
            " (MSE_obs " + fmt("%.5f", mse_obs) + "), Var[E(aug)] = " + fmt("%.2f", var_aug) +
            " (test " + fmt("%.2f", var_test) + ")");
    }

    // 5. The table, the stopping rule, plots, summary and claims.
    CsvTable table = csv_table({"iteration", "mse_aug", "mse_aug_obs", "var_e_aug", "var_e_probe", "eps_aug",
                                "seconds_train", "seconds_sample"});
    for (long checkpoint : s.checkpoints) {
        CsvTable row = csv_read(work + "/checkpoint_" + std::to_string(checkpoint) + ".csv");
        csv_add_row(&table, row.rows.at(0));
    }
    csv_write(out + "/fig2.csv", table);
    std::vector<double> mse = csv_doubles(table, "mse_aug"), variance = csv_doubles(table, "var_e_aug");
    std::vector<double> mse_union = csv_doubles(table, "mse_aug_obs");
    StopDecision stop_test = energy_variance_stop(s.checkpoints, variance, var_test);
    StopDecision stop_train = energy_variance_stop(s.checkpoints, variance, var_train);
    StopDecision stop_probe = energy_variance_stop(s.checkpoints, csv_doubles(table, "var_e_probe"), var_test);
    size_t best = std::min_element(mse.begin(), mse.end()) - mse.begin();
    double mse_stop = mse[stop_test.index], mse_stop_train = mse[stop_train.index];

    CsvTable references = csv_table({"quantity", "value"});
    for (auto& kv : std::vector<std::pair<std::string, double>>{
             {"mse_obs", mse_obs}, {"mse_oracle", mse_oracle}, {"mse_bootstrap", mse_bootstrap},
             {"var_e_train", var_train}, {"var_e_test", var_test}, {"var_e_oracle", var_oracle},
             {"eps_obs", observed.eps}, {"stop_iteration_test_rule", (double)s.checkpoints[stop_test.index]},
             {"stop_iteration_train_rule", (double)s.checkpoints[stop_train.index]},
             {"mse_at_stop_test_rule", mse_stop}, {"mse_at_stop_train_rule", mse_stop_train},
             {"best_iteration", (double)s.checkpoints[best]}, {"best_mse", mse[best]}})
        csv_add_row(&references, {kv.first, csv_number(kv.second)});
    csv_write(out + "/references.csv", references);

    // Scatter panels (b)–(d): observed vs augmented at 1,000, 32,000 and the last checkpoint — or, when the last is
    // 32,000 (the quick scale), at the checkpoint between the first and the last on the log axis, so that the three
    // panels show three different models.
    long first_panel = nearest_checkpoint(s.checkpoints, 1000), last_panel = s.checkpoints.back();
    long middle_panel = nearest_checkpoint(s.checkpoints, 32000);
    if (middle_panel == last_panel || middle_panel == first_panel)
        middle_panel = nearest_checkpoint(s.checkpoints, (long)std::sqrt((double)first_panel * last_panel));
    std::vector<long> panel_iterations = {first_panel, middle_panel, last_panel};
    CsvTable scatter = csv_table({"iteration", "true", "observed", "augmented"});
    std::vector<double> truth_flat = flatten_parameters(data.truth), obs_flat = flatten_parameters(observed.params);
    for (long iteration : panel_iterations) {
        std::vector<double> aug_flat =
            flatten_parameters(read_params(out + "/params_aug_" + std::to_string(iteration) + ".txt"));
        for (size_t k = 0; k < truth_flat.size(); k++)
            csv_add_row(&scatter, {csv_integer(iteration), csv_number(truth_flat[k]), csv_number(obs_flat[k]),
                                   csv_number(aug_flat[k])});
    }
    csv_write(out + "/scatter.csv", scatter);

    std::vector<PlotPanel> panels;
    PlotPanel heat;
    heat.kind = PanelKind::Heatmap;
    heat.title = "(a) true couplings w_ij";
    heat.matrix_file = "params_true.txt";
    heat.matrix_skip_lines = 1;
    panels.push_back(heat);
    const char* letters[] = {"(b)", "(c)", "(d)"};
    for (int p = 0; p < 3; p++) {
        PlotPanel panel;
        panel.title = std::string(letters[p]) + " " + std::to_string(panel_iterations[p]) + " iterations";
        panel.xlabel = "true";
        panel.ylabel = "inferred";
        panel.diagonal = true;
        panel.key = "top left";
        std::string it = std::to_string(panel_iterations[p]);
        panel.series.push_back({"scatter.csv", "true", "observed", "", "iteration", it,
                                style_points("black", Marker::FilledCircle), "observed (M)"});
        panel.series.push_back({"scatter.csv", "true", "augmented", "", "iteration", it,
                                style_points("orange", Marker::Cross), "augmented (M+)"});
        panel.series[0].style.point_size = 0.5;
        panels.push_back(panel);
    }
    PlotPanel mse_panel;
    mse_panel.title = "(e) MSE along diffusion training";
    mse_panel.xlabel = "iterations";
    mse_panel.ylabel = "MSE";
    mse_panel.log_x = true;
    mse_panel.series.push_back({"fig2.csv", "iteration", "mse_aug", "", "", "",
                                style_line("orange", LineKind::Solid, Marker::FilledCircle), "augmented"});
    mse_panel.series.push_back({"fig2.csv", "iteration", "mse_aug_obs", "", "", "",
                                style_line("sky", LineKind::Solid, Marker::OpenCircle), "aug+obs"});
    mse_panel.references.push_back({mse_obs, LineKind::Dashed, "black", "observed only"});
    mse_panel.references.push_back({mse_oracle, LineKind::Dotted, "green", "oracle (fresh M+)"});
    mse_panel.references.push_back({mse_bootstrap, LineKind::Dotted, "gray", "bootstrap (M+ copies)"});
    // Where the energy-variance rule stopped (Sec. III A), or the last checkpoint standing in when it did not fire.
    PlotMarker stop_marker{(double)s.checkpoints[stop_test.index], "red",
                           stop_test.crossed ? "rule stops" : "rule did not fire (last)"};
    mse_panel.markers.push_back(stop_marker);
    panels.push_back(mse_panel);
    PlotPanel var_panel;
    var_panel.title = "(f) energy variance";
    var_panel.xlabel = "iterations";
    var_panel.ylabel = "Var[E]";
    var_panel.log_x = true;
    var_panel.series.push_back({"fig2.csv", "iteration", "var_e_aug", "", "", "",
                                style_line("orange", LineKind::Solid, Marker::FilledCircle), "augmented"});
    var_panel.references.push_back({var_train, LineKind::Dashed, "black", "train"});
    var_panel.references.push_back({var_test, LineKind::Dotted, "red", "test"});
    var_panel.markers.push_back(stop_marker);
    panels.push_back(var_panel);
    PlotLayout layout;
    layout.rows = 2;
    layout.cols = 3;
    plot_write_and_render(out, "fig2", panels, layout);

    // Claims (single run: plain numbers decide, report.h).
    std::vector<std::string> labels;
    std::vector<Estimate> mse_points;
    for (size_t k = 0; k < mse.size(); k++) {
        labels.push_back(std::to_string(s.checkpoints[k]));
        mse_points.push_back(single_run(mse[k]));
    }
    std::vector<Claim> claims;
    Judgement u_shape;
    u_shape.measured = "fewer than 3 checkpoints";
    if (mse_points.size() >= 3) u_shape = judge_u_shape(labels, mse_points);
    if (best + 1 == mse.size()) {
        // Still falling at the last checkpoint: the over-trained arm lies beyond this run's budget, so the run
        // cannot tell a U from a monotone fall.
        u_shape.verdict = Verdict::Undecided;
        u_shape.measured = "MSE still falling at the last checkpoint (" + std::to_string(s.checkpoints.back()) +
                           " iterations, " + fmt("%.5f", mse.back()) + "): the over-trained arm is beyond this run's budget";
    }
    claims.push_back(make_claim("fig2", "MSE vs diffusion training is U-shaped (Fig. 2e)", u_shape));
    claims.push_back(make_claim("fig2", "augmented MSE at the energy-variance stop < observed-only MSE",
                                judge_less("MSE_aug(stop)", single_run(mse_stop), "MSE_obs", single_run(mse_obs))));
    Judgement within_two;
    within_two.verdict = mse_stop <= 2 * mse[best] ? Verdict::Held : Verdict::NotHeld;
    within_two.measured = "MSE at stop " + fmt("%.5f", mse_stop) + " vs best " + fmt("%.5f", mse[best]) + " (ratio " +
                          fmt("%.2f", mse_stop / mse[best]) + "; single run)";
    claims.push_back(make_claim("fig2", "energy-variance stopping lands within a factor 2 of the best checkpoint",
                                within_two));
    Judgement test_better;
    test_better.verdict = mse_stop < mse_stop_train ? Verdict::Held
                          : mse_stop > mse_stop_train ? Verdict::NotHeld : Verdict::Undecided;
    test_better.measured = "test rule stops at " + std::to_string(s.checkpoints[stop_test.index]) + " (MSE " +
                           fmt("%.5f", mse_stop) + "), train rule at " + std::to_string(s.checkpoints[stop_train.index]) +
                           " (MSE " + fmt("%.5f", mse_stop_train) + ")" +
                           (mse_stop == mse_stop_train ? ": same checkpoint" : "") + "; single run";
    claims.push_back(make_claim("fig2", "matching the test-set variance stops better than matching the training-set variance",
                                test_better));
    claims.push_back(make_claim("fig2", "over-trained: MSE at the last checkpoint approaches the observed-only MSE",
                                judge_less("|MSE_aug(last) - MSE_obs|", single_run(std::fabs(mse.back() - mse_obs)),
                                           "|MSE_aug(best) - MSE_obs|", single_run(std::fabs(mse[best] - mse_obs)))));
    claims.push_back(make_claim("fig2", "aug+obs at the stop < augmented alone at the stop",
                                judge_less("MSE_aug+obs", single_run(mse_union[stop_test.index]), "MSE_aug",
                                           single_run(mse_stop))));
    write_claims(out + "/claims.csv", claims);

    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    // A resumed run adds to the wall time of the invocations before it (work/wall_seconds.txt), so the summary
    // reports what the whole figure cost. Each invocation adds its own time exactly once: the file is rewritten at
    // the end, after the last checkpoint row.
    std::string wall_path = work + "/wall_seconds.txt";
    double wall_before = path_exists(wall_path) ? std::strtod(read_file(wall_path).c_str(), nullptr) : 0.0;
    double wall_total = wall_before + wall;
    write_file_atomic(wall_path, fmt("%.1f", wall_total) + "\n");
    double train_seconds = 0, sample_seconds = 0;
    for (size_t k = 0; k < s.checkpoints.size(); k++) {
        train_seconds += csv_double(table, k, "seconds_train");
        sample_seconds += csv_double(table, k, "seconds_sample");
    }
    write_run_info(out + "/run_info.csv",
                   {{"command", command_line_text(argc, argv)}, {"scale", s.scale}, {"seed", std::to_string(s.seed)},
                    {"wall_seconds", fmt("%.0f", wall_total)}, {"this_invocation_seconds", fmt("%.0f", wall)},
                    {"threads", std::to_string(threads)},
                    {"settings", settings}, {"diffusion_train_seconds_total", fmt("%.0f", train_seconds)},
                    {"diffusion_sample_seconds_total", fmt("%.0f", sample_seconds)}});

    // summary.md, generated from the numbers.
    std::string sampler_text = s.sampler.kind == SamplerKind::ddpm
                                   ? std::string("DDPM, 1000 steps")
                                   : "DDIM, " + std::to_string(s.sampler.steps) + " steps, eta " + fmt("%g", s.sampler.eta);
    std::string md = "# Fig. 2: augmentation along diffusion training (" + s.scale + " scale)\n\n";
    bool helped = mse_stop < mse_obs;
    md += std::string("Augmentation ") + (helped ? "helped" : "did not help") + ": at the energy-variance stopping point (" +
          std::to_string(s.checkpoints[stop_test.index]) + " iterations" + (stop_test.crossed ? "" : ", the rule never triggered: last checkpoint") +
          ") the erasure machine on " + std::to_string(s.M_plus) + " augmented samples reached MSE " + fmt("%.5f", mse_stop) +
          ", against " + fmt("%.5f", mse_obs) + " from the " + std::to_string(s.M) + " observed samples alone (ratio " +
          fmt("%.2f", mse_stop / mse_obs) + "). The best checkpoint (" + std::to_string(s.checkpoints[best]) +
          ") gave " + fmt("%.5f", mse[best]) + "; fresh samples of the true model (oracle) give " + fmt("%.5f", mse_oracle) +
          " and copies of the training set (bootstrap) " + fmt("%.5f", mse_bootstrap) + ".\n\n";
    md += "## Settings\n\n| setting | value |\n|---|---|\n";
    md += "| n, g | " + std::to_string(s.n) + ", " + fmt("%g", s.g) + " |\n";
    md += "| M train, M test | " + std::to_string(s.M) + ", " + std::to_string(s.M_test) + " |\n";
    md += "| M+ per checkpoint | " + std::to_string(s.M_plus) + " |\n";
    md += "| sampler | " + sampler_text + " |\n| batch | " + std::to_string(s.batch) + " |\n";
    md += "| epsilon grid | " + erasure_grid_text(s.solver.grid) + " |\n";
    md += "| seed, threads | " + std::to_string(s.seed) + ", " + std::to_string(threads) + " |\n";
    md += "| wall time | " + fmt("%.0f", wall_total) + " s" +
          (wall_before > 0 ? " over several invocations (the last one " + fmt("%.0f", wall) + " s)" : std::string()) + " (training " + fmt("%.0f", train_seconds) +
          " s, sampling " + fmt("%.0f", sample_seconds) + " s over all checkpoints) |\n\n";
    md += "## Along training\n\n| iterations | MSE aug | MSE aug+obs | Var[E(aug)] |\n|---:|---:|---:|---:|\n";
    for (size_t k = 0; k < s.checkpoints.size(); k++)
        md += "| " + std::to_string(s.checkpoints[k]) + " | " + fmt("%.5f", mse[k]) + " | " + fmt("%.5f", mse_union[k]) +
              " | " + fmt("%.2f", variance[k]) + " |\n";
    md += "\nReferences: MSE_obs " + fmt("%.5f", mse_obs) + " (epsilon " + fmt("%.2f", observed.eps) +
          "), oracle " + fmt("%.5f", mse_oracle) + ", bootstrap " + fmt("%.5f", mse_bootstrap) +
          "; Var[E] train " + fmt("%.2f", var_train) + ", test " + fmt("%.2f", var_test) + ", oracle samples " +
          fmt("%.2f", var_oracle) + ".\n\n";
    md += "## Stopping\n\n- Test-set rule (the paper's): " +
          std::string(stop_test.crossed ? "Var[E(aug)] comes down to Var[E(test)] near " +
                                              fmt("%.0f", std::pow(10.0, stop_test.crossing_log10_iteration)) + " iterations"
                                        : "Var[E(aug)] never came down to Var[E(test)] (the rule would train on); the last checkpoint stands in") +
          "; nearest checkpoint " + std::to_string(s.checkpoints[stop_test.index]) + ", MSE " + fmt("%.5f", mse_stop) + ".\n";
    md += "- The same rule on Var[E] of a probe of the first " + std::to_string(std::min<long>(PROBE_CHECK, s.M_plus)) +
          " generated samples (what the later figures use) stops at " + std::to_string(s.checkpoints[stop_probe.index]) +
          (stop_probe.index == stop_test.index ? ": the same checkpoint.\n" : ": a different checkpoint.\n");
    md += "- Training-set rule: " + std::string(stop_train.crossed ? "crossing" : "never crossed; last checkpoint") + " at " +
          std::to_string(s.checkpoints[stop_train.index]) + ", MSE " + fmt("%.5f", mse_stop_train) + ".\n\n";
    md += claims_markdown(claims);
    md += "\n![Fig. 2](fig2.png)\n\nGenerated by `" + command_line_text(argc, argv) + "`; not edited by hand.\n";
    write_file_atomic(out + "/summary.md", md);
    std::printf("%s", md.c_str());
    return 0;
}
