// `repro fig5`: Fig. 5 of the paper (Sec. III A). Augmentation by three generators trained on the same M observed
// samples (n = 40, g = 1): a restricted Boltzmann machine (nn/rbm.h, CD-1), a variational autoencoder (nn/vae.h)
// and the diffusion model (energy-variance stopping); the erasure machine on M⁺ generated samples of each.
//   (a) inferred vs true parameters at M = 2000 (first ensemble member);  (b) MSE vs M, mean ± sd over ensembles.
// GAN is left out as in the paper (mode collapse on small-dimensional data; README).
// One job per (M, ensemble member): runner/jobs.h.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "../data/atomic_file.h"
#include "../ising/energy.h"
#include "../ising/metrics.h"
#include "../nn/rbm.h"
#include "../nn/vae.h"
#include "../cli/args.h"
#include "../cli/commands.h"
#include "../report/csv.h"
#include "../runner/jobs.h"
#include "../method/pipeline.h"
#include "../report/plot.h"
#include "../report/report.h"

namespace {

const char* generator_names[] = {"obs", "vae", "rbm", "diff"};

}  // namespace

int command_fig5(int argc, char** argv) {
    bool paper = false;
    Args args = parse_ensemble_figure_args(argc, argv, "fig5", "10 ensembles, M+ = 100,000", {
        {"n", "N", "40", "spins"},
        {"M-list", "LIST", "", "observed sizes; 2000 is also panel a (quick 1000,2000,4000; paper 1000,2000,4000,8000)"},
        {"ensembles", "E", "", "ensemble members per M (quick 1, paper 10)"},
        {"M-plus", "K", "", "generated samples per generator (quick 20000, paper 100000)"},
        {"rbm-epochs", "E", std::to_string(RbmOptions().epochs), "RBM training epochs (nn/rbm.h explains the default)"},
        {"vae-epochs", "E", std::to_string(VaeOptions().epochs), "VAE training epochs (nn/vae.h explains the default)"}},
        "repro fig5 [--scale quick|paper] [--out DIR] [options]",
        "Fig. 5: augmentation by RBM, VAE and diffusion model against observed-only inference.\n"
        "Writes fig5.csv, fig5a_scatter.csv, fig5.png (+ fig5.gp), summary.md, claims.csv,\n"
        "run_info.csv; parts/ holds one file per job (--list-jobs, --job K, --merge).",
        &paper);
    auto start_time = std::chrono::steady_clock::now();
    std::string scale = arg_string(args, "scale");
    std::string out = arg_string(args, "out");
    int n = (int)arg_int(args, "n");
    std::vector<long> M_list = parse_long_list(arg_given(args, "M-list") ? arg_string(args, "M-list") : (paper ? "1000,2000,4000,8000" : "1000,2000,4000"), "M-list");
    int ensembles = (int)arg_int_or(args, "ensembles", paper ? 10 : 1);
    SolverChoice solver = solver_from_args(args, paper);
    const ErasureGrid& grid = solver.grid;
    long M_plus = arg_int_or(args, "M-plus", paper ? 100000 : 20000);
    int rbm_epochs = (int)arg_int(args, "rbm-epochs"), vae_epochs = (int)arg_int(args, "vae-epochs");
    uint64_t seed = (uint64_t)arg_int(args, "seed");
    int threads = apply_threads(args);
    AugmentSettings augment = augment_settings_from_args(args, paper, 32000, 2000, threads);
    if (n < 2 || ensembles < 1 || M_plus < 10 || rbm_epochs < 1 || vae_epochs < 1)
        throw UsageError("need n >= 2, ensembles >= 1, M-plus >= 10, epochs >= 1");
    long panel_a_M = 2000;
    bool have_panel_a = false;
    for (long M : M_list) have_panel_a |= M == panel_a_M;
    if (!have_panel_a) panel_a_M = M_list[0];
    make_directories(out);

    std::vector<std::string> M_values, ensemble_values;
    for (long M : M_list) M_values.push_back(std::to_string(M));
    for (int e = 0; e < ensembles; e++) ensemble_values.push_back(std::to_string(e));
    std::vector<Job> design = design_grid({{"M", M_values}, {"ens", ensemble_values}});
    const auto shared = augment_design_params(augment, solver, seed);
    for (Job& job : design) {
        job.params.insert(job.params.end(), {{"n", std::to_string(n)}, {"M_plus", std::to_string(M_plus)},
                                             {"rbm_epochs", std::to_string(rbm_epochs)},
                                             {"vae_epochs", std::to_string(vae_epochs)}});
        job.params.insert(job.params.end(), shared.begin(), shared.end());
    }

    JobFunction run = [&](const Job& job, int) {
        int M = (int)job_int(job, "M");
        long ensemble = job_int(job, "ens");
        uint64_t job_seed = derive_seed(seed, 5000 + (uint64_t)ensemble * 100000 + (uint64_t)M);
        auto say = [&](const std::string& text) { if (!augment.quiet) std::fprintf(stderr, "fig5 %s: %s\n", job.id.c_str(), text.c_str()); };
        SkData data = make_sk_data(n, 1.0, M, M, job_seed, threads);
        Inference observed = infer_with(data.train, solver, threads, derive_seed(job_seed, 10));
        double var_test = energy_stats(observed.params, data.test).variance;
        std::vector<IsingParams> inferred = {observed.params};
        std::vector<double> seconds = {0};

        auto t0 = std::chrono::steady_clock::now();
        Rng rng;
        rng_seed(&rng, derive_seed(job_seed, 30));
        Vae vae;
        vae_init(&vae, n, &rng);  // the default hidden activation (nn/vae.h says why)
        VaeOptions vae_options;
        vae_options.epochs = vae_epochs;
        vae_train(&vae, data.train, vae_options, &rng);
        Samples from_vae = vae_generate(vae, (int)M_plus, false, &rng);
        inferred.push_back(infer_with(from_vae, solver, threads, derive_seed(job_seed, 10)).params);
        auto t1 = std::chrono::steady_clock::now();
        seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
        say("VAE done");

        rng_seed(&rng, derive_seed(job_seed, 31));
        Rbm rbm;
        rbm_init(&rbm, n, 20, &rng);
        RbmOptions rbm_options;
        rbm_options.epochs = rbm_epochs;
        rbm_train(&rbm, data.train, rbm_options, &rng);
        Samples from_rbm = rbm_generate(rbm, (int)M_plus, RBM_DEFAULT_BURN_IN, &rng);
        inferred.push_back(infer_with(from_rbm, solver, threads, derive_seed(job_seed, 10)).params);
        auto t2 = std::chrono::steady_clock::now();
        seconds.push_back(std::chrono::duration<double>(t2 - t1).count());
        say("RBM done");

        AugmentTrace trace;
        Samples from_diffusion = augment_energy_variance_stopped(data.train, observed.params, var_test, M_plus, augment,
                                                                 derive_seed(job_seed, 20), &trace);
        inferred.push_back(infer_with(from_diffusion, solver, threads, derive_seed(job_seed, 10)).params);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t2).count());

        CsvTable rows = csv_table({"generator", "mse", "seconds", "stop_iteration"});
        for (int g = 0; g < 4; g++)
            csv_add_row(&rows, {generator_names[g], csv_number(parameter_mse(inferred[g], data.truth)), csv_number(seconds[g]),
                                g == 3 ? csv_integer(trace.chosen_iteration) : ""});
        say("MSE obs " + csv_cell(rows, 0, "mse") + ", vae " + csv_cell(rows, 1, "mse") + ", rbm " + csv_cell(rows, 2, "mse") +
            ", diffusion " + csv_cell(rows, 3, "mse"));
        if (M == panel_a_M && ensemble == 0) {  // panel (a)
            CsvTable scatter = csv_table({"true", "obs", "vae", "rbm", "diff"});
            std::vector<double> truth = flatten_parameters(data.truth);
            std::vector<std::vector<double>> flat;
            for (const IsingParams& p : inferred) flat.push_back(flatten_parameters(p));
            for (size_t k = 0; k < truth.size(); k++)
                csv_add_row(&scatter, {csv_number(truth[k]), csv_number(flat[0][k]), csv_number(flat[1][k]),
                                       csv_number(flat[2][k]), csv_number(flat[3][k])});
            csv_write(out + "/fig5a_scatter.csv", scatter);
        }
        return rows;
    };
    MergeResult merged;
    if (!jobs_dispatch(args, out, design, run, &merged)) return 0;

    std::vector<std::vector<Group>> by_generator;
    for (const char* generator : generator_names)
        by_generator.push_back(group_estimates(csv_filter(merged.table, "generator", generator), {"M"}, "mse"));
    CsvTable table = csv_table({"M", "obs_mean", "obs_sd", "vae_mean", "vae_sd", "rbm_mean", "rbm_sd", "diff_mean", "diff_sd", "ensembles"});
    std::vector<double> log_m;
    std::vector<std::vector<Estimate>> points(4);
    std::vector<std::string> labels;
    std::vector<Judgement> diff_beats_rbm, diff_beats_vae;
    std::string md_table = "| M | observed | VAE | RBM | diffusion |\n|---:|---:|---:|---:|---:|\n";
    for (size_t k = 0; k < by_generator[0].size(); k++) {
        std::vector<std::string> cells = {by_generator[0][k].keys[0]};
        md_table += "| " + by_generator[0][k].keys[0];
        for (int g = 0; g < 4; g++) {
            const Estimate& e = group_lookup(by_generator[g], by_generator[0][k].keys);
            cells.push_back(csv_number(e.mean));
            cells.push_back(sd_cell(e));
            points[g].push_back(e);
            md_table += " | " + estimate_text(e);
        }
        md_table += " |\n";
        cells.push_back(std::to_string(by_generator[0][k].value.count));
        csv_add_row(&table, cells);
        log_m.push_back(std::log10(std::stod(by_generator[0][k].keys[0])));
        labels.push_back("M=" + by_generator[0][k].keys[0]);
        diff_beats_rbm.push_back(judge_less("diffusion", points[3].back(), "RBM", points[2].back()));
        diff_beats_vae.push_back(judge_less("diffusion", points[3].back(), "VAE", points[1].back()));
    }
    csv_write(out + "/fig5.csv", table);

    std::vector<PlotPanel> panels;
    if (path_exists(out + "/fig5a_scatter.csv")) {
        PlotPanel scatter;
        scatter.title = "(a) inferred vs true, M = " + std::to_string(panel_a_M);
        scatter.xlabel = "true";
        scatter.ylabel = "inferred";
        scatter.diagonal = true;
        scatter.key = "top left";
        scatter.series.push_back({"fig5a_scatter.csv", "true", "obs", "", "", "", style_points("black", Marker::FilledCircle), "obs"});
        scatter.series.push_back({"fig5a_scatter.csv", "true", "vae", "", "", "", style_points("blue", Marker::FilledTriangle), "VAE"});
        scatter.series.push_back({"fig5a_scatter.csv", "true", "rbm", "", "", "", style_points("green", Marker::FilledSquare), "RBM"});
        scatter.series.push_back({"fig5a_scatter.csv", "true", "diff", "", "", "", style_points("orange", Marker::Cross), "Diff"});
        for (PlotSeries& series : scatter.series) series.style.point_size = 0.6;
        panels.push_back(scatter);
    }
    PlotPanel curves;
    curves.title = "(b) MSE vs M (M+ = " + std::to_string(M_plus) + ")";
    curves.xlabel = "M";
    curves.ylabel = "MSE";
    curves.log_x = true;
    curves.log_y = true;
    curves.series.push_back({"fig5.csv", "M", "obs_mean", "obs_sd", "", "", style_line("black", LineKind::Dashed, Marker::OpenCircle), "obs"});
    curves.series.push_back({"fig5.csv", "M", "vae_mean", "vae_sd", "", "", style_line("blue", LineKind::Solid, Marker::FilledTriangle), "VAE"});
    curves.series.push_back({"fig5.csv", "M", "rbm_mean", "rbm_sd", "", "", style_line("green", LineKind::Solid, Marker::FilledSquare), "RBM"});
    curves.series.push_back({"fig5.csv", "M", "diff_mean", "diff_sd", "", "", style_line("orange", LineKind::Solid, Marker::Cross), "Diff"});
    panels.push_back(curves);
    PlotLayout layout;
    layout.cols = (int)panels.size();
    layout.panel_width = 560;
    layout.panel_height = 480;
    plot_write_and_render(out, "fig5", panels, layout);

    std::vector<Claim> claims;
    claims.push_back(make_claim("fig5", "diffusion < RBM (MSE) at every M", judge_all(labels, diff_beats_rbm)));
    claims.push_back(make_claim("fig5", "diffusion < VAE (MSE) at every M", judge_all(labels, diff_beats_vae)));
    claims.push_back(make_claim("fig5", "diffusion augmentation improves with M (MSE falls)", judge_trend_slope("log10 M", log_m, points[3], Trend::Falls)));
    // "RBM roughly flat in M": neither clearly falling nor clearly rising, and the range within a factor 1.5.
    Judgement rbm_falls = judge_trend_slope("log10 M", log_m, points[2], Trend::Falls);
    Judgement rbm_rises = judge_trend_slope("log10 M", log_m, points[2], Trend::Rises);
    double rbm_min = INFINITY, rbm_max = 0;
    for (const Estimate& e : points[2]) { rbm_min = std::min(rbm_min, e.mean); rbm_max = std::max(rbm_max, e.mean); }
    Judgement rbm_flat;
    rbm_flat.verdict = (rbm_falls.verdict != Verdict::Held && rbm_rises.verdict != Verdict::Held && rbm_max < 1.5 * rbm_min)
                           ? Verdict::Held : Verdict::NotHeld;
    char ratio[128];
    std::snprintf(ratio, sizeof ratio, "max/min of the RBM means %.2f (flat: < 1.5 and no clear trend); ", rbm_max / rbm_min);
    rbm_flat.measured = ratio + rbm_falls.measured;
    claims.push_back(make_claim("fig5", "RBM roughly flat in M", rbm_flat));
    claims.push_back(make_claim("fig5", "VAE worsens with M (MSE rises)", judge_trend_slope("log10 M", log_m, points[1], Trend::Rises)));
    write_claims(out + "/claims.csv", claims);

    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    char seconds[32], job_seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.0f", wall);
    std::snprintf(job_seconds, sizeof job_seconds, "%.0f", merged.job_seconds_total);
    write_ensemble_run_info(out, argc, argv, scale, seed, wall, threads, merged, design.size());
    int held = 0;
    for (const Claim& claim : claims) held += claim.verdict == Verdict::Held;
    std::string md = "# Fig. 5: RBM and VAE against the diffusion model (" + scale + " scale)\n\n";
    md += std::to_string(held) + " of " + std::to_string(claims.size()) + " of the paper's claims held: diffusion < RBM at every M: " +
          verdict_name(claims[0].verdict) + "; diffusion < VAE at every M: " + verdict_name(claims[1].verdict) + ".\n\n";
    md += "## Settings\n\n| setting | value |\n|---|---|\n| n, g | " + std::to_string(n) + ", 1 |\n| M+ per generator | " +
          std::to_string(M_plus) + " |\n| ensembles per M | " + std::to_string(ensembles) + " |\n| RBM | 20 hidden, CD-1, lr 0.05, momentum 0.5, weight decay 1e-4, " +
          std::to_string(rbm_epochs) + " epochs |\n| VAE | n-30-20-10-20-30-n (tanh), Adam 1e-3, " + std::to_string(vae_epochs) +
          " epochs, Bernoulli draws |\n| diffusion | batch " + std::to_string(augment.batch) + ", checkpoints 1000·2^k up to " +
          std::to_string(augment.max_iterations) + ", probe " + std::to_string(augment.probe_count) + ", sampler " +
          sampler_name(augment.sampler) + " |\n| epsilon grid | " + erasure_grid_text(grid) + " |\n| seed, threads | " + std::to_string(seed) + ", " + std::to_string(threads) +
          " |\n| jobs merged | " + std::to_string(merged.jobs_done) + " of " + std::to_string(design.size()) + " (" + job_seconds +
          " s of job time; " + seconds + " s this invocation) |\n\n## MSE, mean ± sd over ensembles\n\n" + md_table;
    md += "\n" + claims_markdown(claims);
    md += "\n![Fig. 5](fig5.png)\n\nGenerated by `" + command_line_text(argc, argv) + "`; not edited by hand.\n";
    write_file_atomic(out + "/summary.md", md);
    std::printf("%s", md.c_str());
    return 0;
}
