// `repro fig5`: Fig. 5 of the paper (Sec. III A). Augmentation by three generators trained on the same M observed
// samples (n = 40, g = 1): a restricted Boltzmann machine (nn/rbm.h, CD-1), a variational autoencoder (nn/vae.h)
// and the diffusion model (energy-variance stopping); the erasure machine on M⁺ generated samples of each.
//   (a) inferred vs true parameters at M = 2000 (first ensemble member);  (b) MSE vs M, mean ± sd over ensembles.
// GAN is left out as in the paper (mode collapse on small-dimensional data; docs/conventions.md).
// Design: one job per (M, ensemble member); runner/jobs.h.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../data/clock.h"
#include "../ising/energy.h"
#include "../ising/metrics.h"
#include "../method/seeds.h"
#include "../method/sk_data.h"
#include "../nn/rbm.h"
#include "../nn/vae.h"
#include "../report/csv.h"
#include "../report/plot.h"
#include "../report/statistics.h"
#include "figure.h"
#include "figures.h"

namespace {

const char* const GENERATORS[] = {"obs", "vae", "rbm", "diff"};
const char* const GENERATOR_TITLES[] = {"obs", "VAE", "RBM", "Diff"};

struct Fig5Settings {
    int n = 40, ensembles = 1, rbm_epochs = 700, vae_epochs = 1000;
    std::vector<long> M_list;
    long M_plus = 20000, panel_a_M = 2000;
    SolverChoice solver;
    AugmentSettings augment;
    std::string out;
};

std::vector<Job> fig5_design(const Fig5Settings& s, uint64_t seed) {
    std::vector<std::string> M_values;
    for (long M : s.M_list) M_values.push_back(std::to_string(M));
    std::vector<Job> design = design_grid({{"M", M_values}, {"ens", ensemble_values(s.ensembles)}});
    const auto shared = augment_design_params(s.augment, s.solver, seed);
    for (Job& job : design) {
        job.params.insert(job.params.end(), {{"n", std::to_string(s.n)}, {"M_plus", std::to_string(s.M_plus)},
                                             {"rbm_epochs", std::to_string(s.rbm_epochs)},
                                             {"vae_epochs", std::to_string(s.vae_epochs)}});
        job.params.insert(job.params.end(), shared.begin(), shared.end());
    }
    return design;
}

// M⁺ samples of a VAE (nn/vae.h, its default hidden activation) trained on the observed data.
Samples vae_samples(const Fig5Settings& s, const Samples& train, uint64_t seed) {
    Rng rng;
    rng_seed(&rng, seed);
    Vae vae;
    vae_init(&vae, s.n, &rng);
    VaeOptions options;
    options.epochs = s.vae_epochs;
    vae_train(&vae, train, options, &rng);
    return vae_generate(vae, (int)s.M_plus, false, &rng);
}

// M⁺ samples of an RBM with 20 hidden units (nn/rbm.h, CD-1) trained on the observed data.
Samples rbm_samples(const Fig5Settings& s, const Samples& train, uint64_t seed) {
    Rng rng;
    rng_seed(&rng, seed);
    Rbm rbm;
    rbm_init(&rbm, s.n, 20, &rng);
    RbmOptions options;
    options.epochs = s.rbm_epochs;
    rbm_train(&rbm, train, options, &rng);
    return rbm_generate(rbm, (int)s.M_plus, RBM_DEFAULT_BURN_IN, &rng);
}

// Panel (a): the true parameters against each generator's inferred ones.
void write_scatter(const std::string& path, const IsingParams& truth, const std::vector<IsingParams>& inferred) {
    CsvTable scatter = csv_table({"true", "obs", "vae", "rbm", "diff"});
    std::vector<double> flat_truth = flatten_parameters(truth);
    std::vector<std::vector<double>> flat;
    for (const IsingParams& p : inferred) flat.push_back(flatten_parameters(p));
    for (size_t k = 0; k < flat_truth.size(); k++)
        csv_add_row(&scatter, {csv_number(flat_truth[k]), csv_number(flat[0][k]), csv_number(flat[1][k]),
                               csv_number(flat[2][k]), csv_number(flat[3][k])});
    csv_write(path, scatter);
}

// One member at one M: the same SK data through every generator, the solver on each generator's samples.
CsvTable fig5_job(const Fig5Settings& s, const Job& job, uint64_t run_seed) {
    int M = (int)job_int(job, "M");
    uint64_t seed = sk_point_seed(run_seed, s.n, 1.0, M, (int)job_int(job, "ens"));
    const int threads = s.augment.threads;
    SkData data = make_sk_data(s.n, 1.0, M, M, seed, threads);
    Inference observed = infer_with(data.train, s.solver, threads, derive_seed(seed, 10));
    double var_test = energy_stats(observed.params, data.test).variance;
    std::vector<IsingParams> inferred = {observed.params};
    std::vector<double> seconds = {0};
    // Each generator's fidelity (issue 17): its samples' moments against the test data's; the training data's own
    // distance from the test data is the yardstick.
    Moments test_moments = sample_moments(data.test);
    std::vector<MomentDistance> fidelity = {moment_distance(sample_moments(data.train), test_moments)};
    AugmentTrace trace;
    for (int g = 1; g < 4; g++) {
        auto start = std::chrono::steady_clock::now();
        Samples generated = g == 1 ? vae_samples(s, data.train, derive_seed(seed, 30))
                          : g == 2 ? rbm_samples(s, data.train, derive_seed(seed, 31))
                                   : augment_energy_variance_stopped(data.train, observed.params, var_test, s.M_plus,
                                                                     s.augment, derive_seed(seed, 20), &trace);
        inferred.push_back(infer_with(generated, s.solver, threads, derive_seed(seed, 10)).params);
        fidelity.push_back(moment_distance(sample_moments(generated), test_moments));
        seconds.push_back(seconds_since(start));
    }
    CsvTable rows = csv_table({"generator", "mse", "seconds", "stop_iteration", "stop_crossed", "fid_m_test", "fid_c_test"});
    for (int g = 0; g < 4; g++)  // the "obs" row's fidelity is the training data's own (the yardstick)
        csv_add_row(&rows, {GENERATORS[g], csv_number(parameter_mse(inferred[g], data.truth)), csv_number(seconds[g]),
                            g == 3 ? csv_integer(trace.chosen_iteration) : "", g == 3 ? (trace.stop.crossed ? "1" : "0") : "",
                            csv_number(fidelity[g].magnetisation), csv_number(fidelity[g].correlation)});
    if (!s.augment.quiet)
        std::fprintf(stderr, "fig5 %s: MSE obs %s, vae %s, rbm %s, diffusion %s\n", job.id.c_str(),
                     csv_cell(rows, 0, "mse").c_str(), csv_cell(rows, 1, "mse").c_str(), csv_cell(rows, 2, "mse").c_str(),
                     csv_cell(rows, 3, "mse").c_str());
    if (M == s.panel_a_M && job_int(job, "ens") == 0) write_scatter(s.out + "/fig5a_scatter.csv", data.truth, inferred);
    return rows;
}

void fig5_plot(const Fig5Settings& s) {
    const PlotStyle styles[] = {style_line("black", LineKind::Dashed, Marker::OpenCircle),
                                style_line("blue", LineKind::Solid, Marker::FilledTriangle),
                                style_line("green", LineKind::Solid, Marker::FilledSquare),
                                style_line("orange", LineKind::Solid, Marker::Cross)};
    const PlotStyle scatter_styles[] = {style_points("black", Marker::FilledCircle), style_points("blue", Marker::FilledTriangle),
                                        style_points("green", Marker::FilledSquare), style_points("orange", Marker::Cross)};
    std::vector<PlotPanel> panels;
    PlotPanel scatter, curves;
    scatter.title = "(a) inferred vs true, M = " + std::to_string(s.panel_a_M);
    scatter.xlabel = "true";
    scatter.ylabel = "inferred";
    scatter.diagonal = true;
    scatter.key = "top left";
    curves.title = "(b) MSE vs M (M+ = " + std::to_string(s.M_plus) + ")";
    curves.xlabel = "M";
    curves.ylabel = "MSE";
    curves.log_x = curves.log_y = true;
    for (int g = 0; g < 4; g++) {
        scatter.series.push_back({"fig5a_scatter.csv", "true", GENERATORS[g], "", "", "", scatter_styles[g], GENERATOR_TITLES[g]});
        scatter.series.back().style.point_size = 0.6;
        curves.series.push_back({"fig5.csv", "M", std::string(GENERATORS[g]) + "_mean", std::string(GENERATORS[g]) + "_sd",
                                 "", "", styles[g], GENERATOR_TITLES[g]});
    }
    if (path_exists(s.out + "/fig5a_scatter.csv")) panels.push_back(scatter);
    panels.push_back(curves);
    PlotLayout layout;
    layout.cols = (int)panels.size();
    layout.panel_width = 560;
    layout.panel_height = 480;
    plot_write_and_render(s.out, "fig5", panels, layout);
}

FigureSummary fig5_summary(const Fig5Settings& s, const CsvTable& merged) {
    std::vector<CsvTable> rows_of;  // each generator's rows (obs, vae, rbm, diffusion), members in design order
    std::vector<std::vector<Group>> by_generator;
    for (const char* generator : GENERATORS) {
        rows_of.push_back(csv_filter(merged, "generator", generator));
        by_generator.push_back(group_estimates(rows_of.back(), {"M"}, "mse"));
    }
    CsvTable table = csv_table({"M", "obs_mean", "obs_sd", "vae_mean", "vae_sd", "rbm_mean", "rbm_sd", "diff_mean", "diff_sd", "ensembles"});
    std::vector<double> log_m;
    std::vector<std::vector<Estimate>> points(4);
    std::vector<std::string> labels;
    std::vector<Judgement> diff_beats_rbm, diff_beats_vae;
    std::vector<std::vector<std::string>> md_rows;
    for (const Group& group : by_generator[0]) {
        std::vector<std::string> cells = {group.keys[0]}, md = {group.keys[0]};
        for (int g = 0; g < 4; g++) {
            const Estimate& e = group_lookup(by_generator[g], group.keys);
            cells.insert(cells.end(), {csv_number(e.mean), sd_cell(e)});
            md.push_back(estimate_text(e));
            points[g].push_back(e);
        }
        cells.push_back(std::to_string(group.value.count));
        csv_add_row(&table, cells);
        log_m.push_back(std::log10(std::stod(group.keys[0])));
        labels.push_back("M=" + group.keys[0]);
        // Paired: member k's generators all learned from the same data.
        auto mse_of = [&](int g) { return group_values(rows_of[g], {"M"}, group.keys, "mse"); };
        diff_beats_rbm.push_back(judge_paired_less("diffusion", mse_of(3), "RBM", mse_of(2)));
        diff_beats_vae.push_back(judge_paired_less("diffusion", mse_of(3), "VAE", mse_of(1)));
        std::string fidelity_cell;
        for (int g = 0; g < 4; g++) {
            Estimate e = estimate_of(group_values(rows_of[g], {"M"}, group.keys, "fid_c_test"));
            fidelity_cell += std::string(g ? ", " : "") + GENERATORS[g] + " " + estimate_text(e, 2);
        }
        md.push_back(fidelity_cell);
        md_rows.push_back(md);
    }
    csv_write(s.out + "/fig5.csv", table);
    fig5_plot(s);

    FigureSummary summary;
    const bool em = ran_erasure_machine(merged);
    summary.observed = observed_mse_rows(
        merged, "mse", [&](size_t row) { return em && csv_cell(merged, row, "generator") == "obs"; }, s.n, 1.0, 4000);
    summary.title = "Fig. 5: RBM and VAE against the diffusion model";
    summary.claims = {
        make_claim("fig5", "diffusion < RBM (MSE) at every M", judge_all(labels, diff_beats_rbm)),
        make_claim("fig5", "diffusion < VAE (MSE) at every M", judge_all(labels, diff_beats_vae)),
        make_claim("fig5", "diffusion augmentation improves with M (MSE falls)", judge_trend_slope("log10 M", log_m, points[3], Trend::Falls)),
        make_claim("fig5", "RBM roughly flat in M", judge_trend_flat("log10 M", log_m, points[2], 1.5)),
        make_claim("fig5", "VAE worsens with M (MSE rises)", judge_trend_slope("log10 M", log_m, points[1], Trend::Rises))};
    int held = 0;
    std::string verdicts;
    for (const Claim& claim : summary.claims) {
        held += claim.verdict == Verdict::Held;
        verdicts += (verdicts.empty() ? "" : "; ") + claim.text + ": " + verdict_name(claim.verdict);
    }
    summary.headline = std::to_string(held) + " of " + std::to_string(summary.claims.size()) +
                       " of the paper's claims held: " + verdicts + ". " + rule_fired_text(rows_of[3]);
    summary.settings = {{"n, g", std::to_string(s.n) + ", 1"},
                        {"M+ per generator", std::to_string(s.M_plus)},
                        {"ensembles per M", std::to_string(s.ensembles)},
                        {"RBM", "20 hidden, CD-1, lr 0.05, momentum 0.5, weight decay 1e-4, " + std::to_string(s.rbm_epochs) + " epochs"},
                        {"VAE", "n-30-20-10-20-30-n (tanh), Adam 1e-3, " + std::to_string(s.vae_epochs) + " epochs, Bernoulli draws"},
                        {"diffusion", diffusion_setting_text(s.augment)},
                        {"epsilon grid", erasure_grid_text(s.solver.grid)}};
    summary.tables = "## MSE, mean ± sd over ensembles\n\n" +
                     markdown_table({"M", "observed", "VAE", "RBM", "diffusion",
                                     "mean |dC_ij| vs test data (obs: the training data's own)"}, "rrrrrl", md_rows);
    return summary;
}

}  // namespace

int command_fig5(int argc, char** argv) {
    bool paper = false;
    Args args = parse_ensemble_figure_args(argc, argv, "fig5", "10 members, M+ = 100,000", {
        {"n", "N", "40", "spins"},
        {"M-list", "LIST", "", "observed sizes; 2000 (else the first) is also panel a (quick 1000,4000; paper 1000,2000,4000,8000)"},
        {"M-plus", "K", "", "generated samples per generator (quick 20000, paper 100000)"},
        {"rbm-epochs", "E", std::to_string(RbmOptions().epochs), "RBM training epochs (nn/rbm.h explains the default)"},
        {"vae-epochs", "E", std::to_string(VaeOptions().epochs), "VAE training epochs (nn/vae.h explains the default)"}},
        "repro fig5 [--scale quick|paper] [--out DIR] [options]",
        "Fig. 5: augmentation by RBM, VAE and diffusion model against observed-only inference.\n"
        "Writes fig5.csv, fig5a_scatter.csv, fig5.png (+ fig5.gp), summary.md, claims.csv,\n"
        "run_info.csv; parts/ holds one file per job (--list-jobs, --job K, --merge).",
        &paper);
    FigureRun run = figure_run(args, "fig5", argc, argv);
    Fig5Settings s;
    s.out = run.out;
    s.n = (int)arg_int_in_range(args, "n", 2, FIGURE_MAX_N);
    s.M_list = figure_list(scale_list_text(args, "M-list", paper, "1000,2000,4000,8000", "1000,4000"), "M-list", 10, FIGURE_MAX_M);
    s.ensembles = figure_members(args, paper);
    s.solver = solver_from_args(args, paper);
    s.M_plus = figure_int(args, "M-plus", 10, FIGURE_MAX_M_PLUS, paper ? 100000 : 20000);
    s.rbm_epochs = (int)arg_int_in_range(args, "rbm-epochs", 1, 1000000);
    s.vae_epochs = (int)arg_int_in_range(args, "vae-epochs", 1, 1000000);
    s.augment = augment_settings_from_args(args, paper, 32000, 2000, run.threads);
    s.augment.cache = figure_store_from_args(args);
    if (s.n < 2 || s.ensembles < 1 || s.M_plus < 10 || s.rbm_epochs < 1 || s.vae_epochs < 1)
        throw UsageError("need n >= 2, --members >= 1, M-plus >= 10, epochs >= 1");
    if (std::find(s.M_list.begin(), s.M_list.end(), s.panel_a_M) == s.M_list.end()) s.panel_a_M = s.M_list[0];
    return run_figure(args, run, fig5_design(s, run.seed), [&](const Job& j, int) { return fig5_job(s, j, run.seed); },
                      [&](const CsvTable& merged) { return fig5_summary(s, merged); });
}
