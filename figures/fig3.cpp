// `repro fig3`: Fig. 3 of the paper (Sec. III A). MSE of inverse Ising inference against the coupling scale g:
// observed data only (M = 4000) vs M⁺ samples from a diffusion model stopped by the energy-variance rule,
// mean ± sd over ensembles (new true parameters, new data, new diffusion model, new seed).
// One job per (g, ensemble member): runner/jobs.h runs, distributes and merges them.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../cli/args.h"
#include "../cli/commands.h"
#include "../report/csv.h"
#include "../runner/jobs.h"
#include "../method/pipeline.h"
#include "../report/plot.h"
#include "../report/report.h"

int command_fig3(int argc, char** argv) {
    bool paper = false;
    Args args = parse_ensemble_figure_args(
        argc, argv, "fig3", "10 ensembles, M+ = 100,000",
        {{"n", "N", "40", "spins"},
         {"M", "M", "4000", "training samples (as many again are the test set of the stopping rule)"},
         {"g-list", "LIST", "", "coupling scales (quick 0.5,1,2; paper 0.5,0.75,1,1.25,1.5,1.75,2)"},
         {"ensembles", "E", "", "ensemble members per g (quick 1, paper 10)"},
         {"M-plus", "K", "", "augmented samples (quick 20000, paper 100000)"}},
        "repro fig3 [--scale quick|paper] [--out DIR] [options]",
        "Fig. 3: MSE vs coupling scale g, observed only vs diffusion-augmented (energy-variance\n"
        "stopping). Writes fig3.csv, fig3.png (+ fig3.gp), summary.md, claims.csv, run_info.csv;\n"
        "parts/ holds one file per job (--list-jobs, --job K, --merge for clusters).",
        &paper);
    auto start_time = std::chrono::steady_clock::now();
    std::string scale = arg_string(args, "scale");
    std::string out = arg_string(args, "out");
    int n = (int)arg_int(args, "n"), M = (int)arg_int(args, "M");
    std::vector<double> g_list = parse_double_list(
        arg_given(args, "g-list") ? arg_string(args, "g-list") : (paper ? "0.5,0.75,1,1.25,1.5,1.75,2" : "0.5,1,2"), "g-list");
    int ensembles = (int)arg_int_or(args, "ensembles", paper ? 10 : 1);
    SolverChoice solver = solver_from_args(args, paper);
    const ErasureGrid& grid = solver.grid;
    long M_plus = arg_int_or(args, "M-plus", paper ? 100000 : 20000);
    uint64_t seed = (uint64_t)arg_int(args, "seed");
    int threads = apply_threads(args);
    AugmentSettings augment = augment_settings_from_args(args, paper, 32000, 2000, threads);
    if (n < 2 || M < 10 || ensembles < 1 || M_plus < 10) throw UsageError("need n >= 2, M >= 10, ensembles >= 1, M-plus >= 10");
    make_directories(out);

    std::vector<std::string> g_values, ensemble_values;
    for (double g : g_list) g_values.push_back(csv_number(g));
    for (int e = 0; e < ensembles; e++) ensemble_values.push_back(std::to_string(e));
    std::vector<Job> design = design_grid({{"g", g_values}, {"ens", ensemble_values}});
    const auto shared = augment_design_params(augment, solver, seed);
    for (Job& job : design) {
        job.params.insert(job.params.end(),
                          {{"n", std::to_string(n)}, {"M", std::to_string(M)}, {"M_plus", std::to_string(M_plus)}});
        job.params.insert(job.params.end(), shared.begin(), shared.end());
    }
    JobFunction run = [&](const Job& job, int) {
        double g = job_double(job, "g");
        uint64_t job_seed = derive_seed(seed, 3000 + (uint64_t)job_int(job, "ens") * 1000 + (uint64_t)(g * 100));
        SkAugmentResult r = run_sk_augmentation(n, g, M, {M_plus}, false, augment, solver, job_seed);
        CsvTable rows = csv_table({"mse_obs", "mse_aug", "stop_iteration", "stop_crossed", "var_e_train", "var_e_test",
                                   "eps_obs", "eps_aug"});
        csv_add_row(&rows, {csv_number(r.mse_obs), csv_number(r.mse_aug[0]), csv_integer(r.trace.chosen_iteration),
                            r.trace.stop.crossed ? "1" : "0", csv_number(r.var_train), csv_number(r.var_test),
                            csv_number(r.eps_obs), csv_number(r.eps_aug[0])});
        if (!augment.quiet)
            std::fprintf(stderr, "fig3 %s: MSE obs %.5f, aug %.5f (stopped at %ld)\n", job.id.c_str(), r.mse_obs,
                         r.mse_aug[0], r.trace.chosen_iteration);
        return rows;
    };
    MergeResult merged;
    if (!jobs_dispatch(args, out, design, run, &merged)) return 0;

    std::vector<Group> obs = group_estimates(merged.table, {"g"}, "mse_obs");
    std::vector<Group> aug = group_estimates(merged.table, {"g"}, "mse_aug");
    std::vector<Group> stops = group_estimates(merged.table, {"g"}, "stop_iteration");
    CsvTable table = csv_table({"g", "mse_obs_mean", "mse_obs_sd", "mse_aug_mean", "mse_aug_sd", "stop_iteration_mean", "ensembles"});
    std::vector<std::string> labels;
    std::vector<Judgement> aug_better;
    std::vector<double> gs;
    std::vector<Estimate> obs_points, aug_points;
    for (size_t k = 0; k < obs.size(); k++) {
        csv_add_row(&table, {obs[k].keys[0], csv_number(obs[k].value.mean), sd_cell(obs[k].value),
                             csv_number(aug[k].value.mean), sd_cell(aug[k].value), csv_number(stops[k].value.mean),
                             std::to_string(obs[k].value.count)});
        labels.push_back("g=" + obs[k].keys[0]);
        gs.push_back(std::stod(obs[k].keys[0]));
        obs_points.push_back(obs[k].value);
        aug_points.push_back(aug[k].value);
        aug_better.push_back(judge_less("aug", aug[k].value, "obs", obs[k].value));
    }
    csv_write(out + "/fig3.csv", table);

    PlotPanel panel;
    panel.title = "MSE vs coupling scale (n = " + std::to_string(n) + ", M = " + std::to_string(M) + ")";
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

    std::vector<Claim> claims;
    claims.push_back(make_claim("fig3", "augmented MSE < observed MSE at every g (Fig. 3)", judge_all(labels, aug_better)));
    claims.push_back(make_claim("fig3", "inference gets harder with g: observed MSE rises with g",
                                judge_trend_slope("g", gs, obs_points, Trend::Rises)));
    claims.push_back(make_claim("fig3", "augmented MSE rises with g", judge_trend_slope("g", gs, aug_points, Trend::Rises)));
    write_claims(out + "/claims.csv", claims);

    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.0f", wall);
    char job_seconds[32];
    std::snprintf(job_seconds, sizeof job_seconds, "%.0f", merged.job_seconds_total);
    write_ensemble_run_info(out, argc, argv, scale, seed, wall, threads, merged, design.size());

    std::string md = "# Fig. 3: MSE vs coupling scale g (" + scale + " scale)\n\n";
    int aug_wins = 0;
    for (size_t k = 0; k < obs.size(); k++) aug_wins += aug[k].value.mean < obs[k].value.mean;
    md += "The diffusion-augmented data gave a lower mean MSE than the observed data at " + std::to_string(aug_wins) +
          " of " + std::to_string(obs.size()) + " values of g (claim \"augmented < observed at every g\": " +
          verdict_name(claims[0].verdict) + ").\n\n";
    md += "## Settings\n\n| setting | value |\n|---|---|\n| n, M (train = test) | " + std::to_string(n) + ", " + std::to_string(M) +
          " |\n| M+ | " + std::to_string(M_plus) + " |\n| ensembles per g | " + std::to_string(ensembles) +
          " |\n| diffusion | batch " + std::to_string(augment.batch) + ", checkpoints 1000·2^k up to " +
          std::to_string(augment.max_iterations) + ", probe " + std::to_string(augment.probe_count) + ", sampler " +
          sampler_name(augment.sampler) + " |\n| epsilon grid | " + erasure_grid_text(grid) + " |\n| seed, threads | " + std::to_string(seed) + ", " + std::to_string(threads) +
          " |\n| jobs merged | " + std::to_string(merged.jobs_done) + " of " + std::to_string(design.size()) +
          " (" + job_seconds + " s of job time; " + seconds + " s this invocation) |\n\n";
    md += "## MSE, mean ± sd over ensembles\n\n| g | observed | augmented | stopped at (mean iterations) |\n|---:|---:|---:|---:|\n";
    for (size_t k = 0; k < obs.size(); k++)
        md += "| " + obs[k].keys[0] + " | " + estimate_text(obs[k].value) + " | " + estimate_text(aug[k].value) + " | " +
              csv_number(stops[k].value.mean) + " |\n";
    md += "\n" + claims_markdown(claims);
    md += "\n![Fig. 3](fig3.png)\n\nGenerated by `" + command_line_text(argc, argv) + "`; not edited by hand.\n";
    write_file_atomic(out + "/summary.md", md);
    std::printf("%s", md.c_str());
    return 0;
}
