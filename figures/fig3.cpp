// `repro fig3`: Fig. 3 of the paper (Sec. III A). MSE of inverse Ising inference against the coupling scale g:
// observed data only (M = 4000) vs M⁺ samples from a diffusion model stopped by the energy-variance rule,
// mean ± sd over ensembles (new true parameters, new data, new diffusion model, new seed).
// Design: one job per (g, ensemble member); runner/jobs.h runs, distributes and merges them.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../method/seeds.h"
#include "../method/sk_experiment.h"
#include "../report/csv.h"
#include "../report/plot.h"
#include "../report/statistics.h"
#include "figure.h"
#include "figures.h"

namespace {

struct Fig3Settings {
    int n = 40, M = 4000, ensembles = 1;
    std::vector<double> g_list;
    long M_plus = 20000;
    SolverChoice solver;
    AugmentSettings augment;
};

std::vector<Job> fig3_design(const Fig3Settings& s, uint64_t seed) {
    std::vector<std::string> g_values;
    for (double g : s.g_list) g_values.push_back(csv_number(g));
    std::vector<Job> design = design_grid({{"g", g_values}, {"ens", ensemble_values(s.ensembles)}});
    const auto shared = augment_design_params(s.augment, s.solver, seed);
    for (Job& job : design) {
        job.params.insert(job.params.end(),
                          {{"n", std::to_string(s.n)}, {"M", std::to_string(s.M)}, {"M_plus", std::to_string(s.M_plus)}});
        job.params.insert(job.params.end(), shared.begin(), shared.end());
    }
    return design;
}

CsvTable fig3_job(const Fig3Settings& s, const Job& job, uint64_t seed) {
    SkAugmentResult r = run_sk_augmentation(s.n, job_double(job, "g"), s.M, {s.M_plus}, false, s.augment, s.solver,
                                            sk_point_seed(seed, s.n, job_double(job, "g"), s.M, (int)job_int(job, "ens")));
    CsvTable rows = csv_table({"mse_obs", "mse_aug", "stop_iteration", "stop_crossed", "var_e_train", "var_e_test",
                               "eps_obs", "eps_aug", "fid_m_test", "fid_c_test", "fid_m_train_test", "fid_c_train_test"});
    csv_add_row(&rows, {csv_number(r.mse_obs), csv_number(r.mse_aug[0]), csv_integer(r.trace.chosen_iteration),
                        r.trace.stop.crossed ? "1" : "0", csv_number(r.var_train), csv_number(r.var_test),
                        csv_number(r.eps_obs), csv_number(r.eps_aug[0]), csv_number(r.fidelity_test.magnetisation),
                        csv_number(r.fidelity_test.correlation), csv_number(r.yardstick.magnetisation),
                        csv_number(r.yardstick.correlation)});
    if (!s.augment.quiet)
        std::fprintf(stderr, "fig3 %s: MSE obs %.5f, aug %.5f (stopped at %ld)\n", job.id.c_str(), r.mse_obs,
                     r.mse_aug[0], r.trace.chosen_iteration);
    return rows;
}

void fig3_plot(const std::string& out, const Fig3Settings& s) {
    PlotPanel panel;
    panel.title = "MSE vs coupling scale (n = " + std::to_string(s.n) + ", M = " + std::to_string(s.M) + ")";
    panel.xlabel = "g";
    panel.ylabel = "MSE";
    panel.key = "top left";
    panel.series.push_back({"fig3.csv", "g", "mse_obs_mean", "mse_obs_sd", "", "",
                            style_line("black", LineKind::Dashed, Marker::OpenCircle), "obs (M)"});
    panel.series.push_back({"fig3.csv", "g", "mse_aug_mean", "mse_aug_sd", "", "",
                            style_line("black", LineKind::Solid, Marker::FilledCircle), "aug (M+)"});
    PlotLayout layout;
    layout.panel_width = 640;
    layout.panel_height = 480;
    plot_write_and_render(out, "fig3", {panel}, layout);
}

// Merged rows → fig3.csv, the plot, the claims and the summary's parts.
FigureSummary fig3_summary(const std::string& out, const Fig3Settings& s, const CsvTable& merged) {
    std::vector<Group> obs = group_estimates(merged, {"g"}, "mse_obs"), aug = group_estimates(merged, {"g"}, "mse_aug");
    std::vector<Group> stops = group_estimates(merged, {"g"}, "stop_iteration");
    std::vector<Group> fired = group_estimates(merged, {"g"}, "stop_crossed");
    std::vector<Group> fid_test = group_estimates(merged, {"g"}, "fid_c_test");
    std::vector<Group> fid_yard = group_estimates(merged, {"g"}, "fid_c_train_test");
    CsvTable table = csv_table({"g", "mse_obs_mean", "mse_obs_sd", "mse_aug_mean", "mse_aug_sd", "stop_iteration_mean", "ensembles"});
    std::vector<std::string> g_values;
    std::vector<double> gs;
    std::vector<Estimate> obs_points, aug_points;
    std::vector<std::vector<std::string>> md_rows;
    int aug_wins = 0;
    for (size_t k = 0; k < obs.size(); k++) {
        const std::string& g = obs[k].keys[0];
        csv_add_row(&table, {g, csv_number(obs[k].value.mean), sd_cell(obs[k].value), csv_number(aug[k].value.mean),
                             sd_cell(aug[k].value), csv_number(stops[k].value.mean), std::to_string(obs[k].value.count)});
        md_rows.push_back({g, estimate_text(obs[k].value), estimate_text(aug[k].value), csv_number(stops[k].value.mean),
                           std::to_string((int)std::lround(fired[k].value.mean * fired[k].value.count)) + " of " +
                               std::to_string(fired[k].value.count),
                           estimate_text(fid_test[k].value) + " (data " + estimate_text(fid_yard[k].value) + ")"});
        g_values.push_back(g);
        gs.push_back(std::stod(g));
        obs_points.push_back(obs[k].value);
        aug_points.push_back(aug[k].value);
        aug_wins += aug[k].value.mean < obs[k].value.mean;
    }
    csv_write(out + "/fig3.csv", table);
    fig3_plot(out, s);

    FigureSummary summary;
    // A "solver" design column means another solver than the erasure machine: not the shared observed-data MSE.
    const bool em = ran_erasure_machine(merged);
    summary.observed = observed_mse_rows(merged, "mse_obs", [&](size_t) { return em; }, s.n, 1.0, s.M);
    summary.title = "Fig. 3: MSE vs coupling scale g";
    summary.claims = {
        make_claim("fig3", "augmented MSE < observed MSE at every g (Fig. 3)", judge_columns_less("g", merged, "g", g_values, "mse_aug", "aug", "mse_obs", "obs")),
        make_claim("fig3", "inference gets harder with g: observed MSE rises with g",
                   judge_trend_slope("g", gs, obs_points, Trend::Rises)),
        make_claim("fig3", "augmented MSE rises with g", judge_trend_slope("g", gs, aug_points, Trend::Rises))};
    summary.headline = "The diffusion-augmented data gave a lower mean MSE than the observed data at " +
                       std::to_string(aug_wins) + " of " + std::to_string(obs.size()) +
                       " values of g (claim \"augmented < observed at every g\": " +
                       verdict_name(summary.claims[0].verdict) + "). " + rule_fired_text(merged);
    summary.settings = {{"n, M (train = test)", std::to_string(s.n) + ", " + std::to_string(s.M)},
                        {"M+", std::to_string(s.M_plus)},
                        {"ensembles per g", std::to_string(s.ensembles)},
                        {"diffusion", diffusion_setting_text(s.augment)},
                        {"epsilon grid", erasure_grid_text(s.solver.grid)}};
    summary.tables = "## MSE, mean ± sd over ensembles\n\n" +
                     markdown_table({"g", "observed", "augmented", "stopped at (mean iterations)", "rule fired",
                                     "mean |dC_ij| generated vs test (training vs test)"}, "rrrrrr", md_rows);
    return summary;
}

}  // namespace

int command_fig3(int argc, char** argv) {
    bool paper = false;
    Args args = parse_ensemble_figure_args(
        argc, argv, "fig3", "10 members, M+ = 100,000",
        {{"n", "N", "40", "spins"},
         {"M", "M", "4000", "training samples (as many again are the test set of the stopping rule)"},
         {"g-list", "LIST", "", "coupling scales (quick 0.5,1,2; paper 0.5,0.75,1,1.25,1.5,1.75,2)"},
         {"M-plus", "K", "", "augmented samples (quick 20000, paper 100000)"}},
        "repro fig3 [--scale quick|paper] [--out DIR] [options]",
        "Fig. 3: MSE vs coupling scale g, observed only vs diffusion-augmented (energy-variance\n"
        "stopping). Writes fig3.csv, fig3.png (+ fig3.gp), summary.md, claims.csv, run_info.csv;\n"
        "parts/ holds one file per job (--list-jobs, --job K, --merge for clusters).",
        &paper);
    FigureRun run = figure_run(args, "fig3", argc, argv);
    Fig3Settings s;
    s.n = (int)arg_int_in_range(args, "n", 2, FIGURE_MAX_N);
    s.M = (int)arg_int_in_range(args, "M", 10, FIGURE_MAX_M);
    s.g_list = parse_double_list(scale_list_text(args, "g-list", paper, "0.5,0.75,1,1.25,1.5,1.75,2", "0.5,1,2"), "g-list");
    s.ensembles = figure_members(args, paper);
    s.solver = solver_from_args(args, paper);
    s.M_plus = figure_int(args, "M-plus", 10, FIGURE_MAX_M_PLUS, paper ? 100000 : 20000);
    s.augment = augment_settings_from_args(args, paper, 32000, 2000, run.threads);
    s.augment.cache = figure_store_from_args(args);
    if (s.n < 2 || s.M < 10 || s.ensembles < 1 || s.M_plus < 10)
        throw UsageError("need n >= 2, M >= 10, --members >= 1, M-plus >= 10");
    return run_figure(args, run, fig3_design(s, run.seed), [&](const Job& j, int) { return fig3_job(s, j, run.seed); },
                      [&](const CsvTable& merged) { return fig3_summary(run.out, s, merged); });
}
