// `repro fig4`: Fig. 4 of the paper (Sec. III A). How the sizes of the observed data (M) and of the augmented data
// (M⁺) change the inference, for n = 20, 40, 60 (network widths per n: Appendix A, diffusion_config_for).
//   (a–c) MSE vs M, observed only vs M⁺ augmented samples;
//   (d–f) MSE vs M⁺ at fixed M (4000 for n = 20, 40; 8000 for n = 60): observed-only line, augmented only,
//         augmented + observed (inference on the union). One diffusion model per (n, ensemble member) serves every
//         M⁺ (its first M⁺ samples), so the points of a curve are paired.
// g = 1 and energy-variance stopping throughout. One job per (n, M, ensemble member): runner/jobs.h.
#include <algorithm>
#include <chrono>
#include <cmath>
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

namespace {

std::string joined(const std::vector<long>& values) {
    std::string text;
    for (long value : values) text += (text.empty() ? "" : ", ") + std::to_string(value);
    return text;
}

// M of the M⁺ panels (the paper's d–f): 8000 for n = 60, 4000 otherwise.
long m_for_mplus_panel(int n) { return n >= 60 ? 8000 : 4000; }

}  // namespace

int command_fig4(int argc, char** argv) {
    bool paper = false;
    Args args = parse_ensemble_figure_args(argc, argv, "fig4", "the full design", {
        {"n-list", "LIST", "", "system sizes (quick 20,40; paper 20,40,60)"},
        {"M-list", "LIST", "", "observed sizes for panels a-c (quick 1000,4000; paper 1000,2000,4000,8000,16000)"},
        {"M-plus", "K", "", "augmented samples for panels a-c (quick 20000, paper 300000)"},
        {"M-plus-list", "LIST", "", "augmented sizes for panels d-f (quick 5000,10000,20000; paper 10000,30000,100000,300000)"},
        {"ensembles", "E", "", "ensemble members per point (quick 1, paper 10)"}},
        "repro fig4 [--scale quick|paper] [--out DIR] [options]",
        "Fig. 4: MSE vs the observed size M (a-c) and the augmented size M+ (d-f) for several n,\n"
        "g = 1. Writes fig4_M_nN.csv, fig4_Mplus_nN.csv, fig4.png (+ fig4.gp), summary.md, claims.csv,\n"
        "run_info.csv; parts/ holds one file per job (--list-jobs, --job K, --merge).",
        &paper);
    auto start_time = std::chrono::steady_clock::now();
    std::string scale = arg_string(args, "scale");
    std::string out = arg_string(args, "out");
    std::vector<long> n_list = parse_long_list(arg_given(args, "n-list") ? arg_string(args, "n-list") : (paper ? "20,40,60" : "20,40"), "n-list");
    std::vector<long> M_list = parse_long_list(arg_given(args, "M-list") ? arg_string(args, "M-list")
                                               : (paper ? "1000,2000,4000,8000,16000" : "1000,4000"), "M-list");
    long M_plus = arg_int_or(args, "M-plus", paper ? 300000 : 20000);
    std::vector<long> M_plus_list = parse_long_list(arg_given(args, "M-plus-list") ? arg_string(args, "M-plus-list")
                                                    : (paper ? "10000,30000,100000,300000" : "5000,10000,20000"), "M-plus-list");
    int ensembles = (int)arg_int_or(args, "ensembles", paper ? 10 : 1);
    SolverChoice solver = solver_from_args(args, paper);
    const ErasureGrid& grid = solver.grid;
    uint64_t seed = (uint64_t)arg_int(args, "seed");
    int threads = apply_threads(args);
    AugmentSettings augment = augment_settings_from_args(args, paper, 32000, 2000, threads);
    if (ensembles < 1 || M_plus < 10) throw UsageError("need ensembles >= 1, M-plus >= 10");
    for (long n : n_list) if (n < 2 || n > 200) throw UsageError("--n-list values must be in 2..200");
    make_directories(out);

    // One job per (n, M, ensemble member). Each generates max(M⁺) samples once and infers from prefixes of them:
    // the panel a–c point uses the first M⁺ (--M-plus); the job whose M is the d–f panel's M of its n (4000, or
    // 8000 at n = 60) also infers from every prefix in --M-plus-list, alone and with the observed data, so the d–f
    // curves come from the same diffusion model as that a–c point (added to the design if M-list lacks it).
    std::vector<std::string> ensemble_values;
    for (int e = 0; e < ensembles; e++) ensemble_values.push_back(std::to_string(e));
    std::vector<Job> design;
    for (long n : n_list) {
        std::vector<long> Ms = M_list;
        if (std::find(Ms.begin(), Ms.end(), m_for_mplus_panel((int)n)) == Ms.end()) Ms.push_back(m_for_mplus_panel((int)n));
        for (long M : Ms)
            for (const std::string& e : ensemble_values)
                design.push_back(job_make({{"n", std::to_string(n)}, {"M", std::to_string(M)}, {"ens", e}}));
    }
    std::string plus_list_text;
    for (long m : M_plus_list) plus_list_text += (plus_list_text.empty() ? "" : ":") + std::to_string(m);
    const auto shared = augment_design_params(augment, solver, seed);
    for (Job& job : design) {
        job.params.insert(job.params.end(), {{"M_plus", std::to_string(M_plus)}, {"M_plus_list", plus_list_text}});
        job.params.insert(job.params.end(), shared.begin(), shared.end());
    }

    JobFunction run = [&](const Job& job, int) {
        int n = (int)job_int(job, "n"), M = (int)job_int(job, "M");
        bool sweep = M == m_for_mplus_panel(n);
        uint64_t job_seed = derive_seed(seed, 4000 + (uint64_t)job_int(job, "ens") * 100000 + (uint64_t)n * 1000 + (uint64_t)M / 100);
        std::vector<long> counts = {M_plus};
        if (sweep)
            for (long m : M_plus_list)
                if (m != M_plus) counts.push_back(m);
        std::sort(counts.begin(), counts.end());
        SkAugmentResult r = run_sk_augmentation(n, 1.0, M, counts, sweep, augment, solver, job_seed);
        CsvTable rows = csv_table({"m_plus", "panel_a_c", "panel_d_f", "mse_obs", "mse_aug", "mse_aug_obs", "stop_iteration", "stop_crossed"});
        for (size_t k = 0; k < counts.size(); k++) {
            bool in_sweep = sweep && std::find(M_plus_list.begin(), M_plus_list.end(), counts[k]) != M_plus_list.end();
            csv_add_row(&rows, {std::to_string(counts[k]), counts[k] == M_plus ? "1" : "0", in_sweep ? "1" : "0",
                                csv_number(r.mse_obs), csv_number(r.mse_aug[k]), sweep ? csv_number(r.mse_aug_obs[k]) : "",
                                csv_integer(r.trace.chosen_iteration), r.trace.stop.crossed ? "1" : "0"});
        }
        if (!augment.quiet)
            std::fprintf(stderr, "fig4 %s: MSE obs %.5f, aug %.5f (M+ %ld, stopped at %ld)\n", job.id.c_str(), r.mse_obs,
                         r.mse_aug.back(), counts.back(), r.trace.chosen_iteration);
        return rows;
    };
    MergeResult merged;
    if (!jobs_dispatch(args, out, design, run, &merged)) return 0;

    CsvTable m_rows = csv_filter(merged.table, "panel_a_c", "1");
    CsvTable mplus_rows = csv_filter(merged.table, "panel_d_f", "1");
    std::vector<Claim> claims;
    std::vector<PlotPanel> top, bottom;
    std::string md_tables;
    const char letters[] = "abcdef";
    for (size_t p = 0; p < n_list.size(); p++) {
        std::string n = std::to_string(n_list[p]);
        // (a–c) MSE vs M.
        CsvTable rows_n = csv_filter(m_rows, "n", n);
        std::vector<Group> obs = group_estimates(rows_n, {"M"}, "mse_obs"), aug = group_estimates(rows_n, {"M"}, "mse_aug");
        CsvTable table = csv_table({"M", "mse_obs_mean", "mse_obs_sd", "mse_aug_mean", "mse_aug_sd", "ensembles"});
        std::vector<double> log_m;
        std::vector<Estimate> obs_points, aug_points;
        std::vector<std::string> labels;
        std::vector<Judgement> aug_better;
        md_tables += "\n### n = " + n + ": MSE vs M (M+ = " + std::to_string(M_plus) + ")\n\n| M | observed | augmented |\n|---:|---:|---:|\n";
        for (size_t k = 0; k < obs.size(); k++) {
            csv_add_row(&table, {obs[k].keys[0], csv_number(obs[k].value.mean), sd_cell(obs[k].value),
                                 csv_number(aug[k].value.mean), sd_cell(aug[k].value), std::to_string(obs[k].value.count)});
            log_m.push_back(std::log10(std::stod(obs[k].keys[0])));
            obs_points.push_back(obs[k].value);
            aug_points.push_back(aug[k].value);
            labels.push_back("M=" + obs[k].keys[0]);
            aug_better.push_back(judge_less("aug", aug[k].value, "obs", obs[k].value));
            md_tables += "| " + obs[k].keys[0] + " | " + estimate_text(obs[k].value) + " | " + estimate_text(aug[k].value) + " |\n";
        }
        std::string m_file = "fig4_M_n" + n + ".csv";
        csv_write(out + "/" + m_file, table);
        if (!obs.empty()) {
            claims.push_back(make_claim("fig4", "n=" + n + ": observed MSE falls with M", judge_trend_slope("log10 M", log_m, obs_points, Trend::Falls)));
            claims.push_back(make_claim("fig4", "n=" + n + ": augmented MSE falls with M", judge_trend_slope("log10 M", log_m, aug_points, Trend::Falls)));
            claims.push_back(make_claim("fig4", "n=" + n + ": augmented < observed at every M", judge_all(labels, aug_better)));
        }
        PlotPanel panel;
        panel.title = std::string("(") + letters[p] + ") n = " + n;
        panel.xlabel = "M";
        panel.ylabel = "MSE";
        panel.log_x = true;
        panel.log_y = true;
        panel.series.push_back({m_file, "M", "mse_obs_mean", "mse_obs_sd", "", "", style_line("black", LineKind::Dashed, Marker::OpenCircle), "obs"});
        panel.series.push_back({m_file, "M", "mse_aug_mean", "mse_aug_sd", "", "", style_line("black", LineKind::Solid, Marker::FilledCircle), "aug"});
        top.push_back(panel);

        // (d–f) MSE vs M⁺.
        CsvTable plus_n = csv_filter(mplus_rows, "n", n);
        std::vector<Group> p_obs = group_estimates(plus_n, {"m_plus"}, "mse_obs");
        std::vector<Group> p_aug = group_estimates(plus_n, {"m_plus"}, "mse_aug");
        std::vector<Group> p_union = group_estimates(plus_n, {"m_plus"}, "mse_aug_obs");
        CsvTable plus_table = csv_table({"m_plus", "mse_obs_mean", "mse_obs_sd", "mse_aug_mean", "mse_aug_sd",
                                         "mse_aug_obs_mean", "mse_aug_obs_sd", "ensembles"});
        std::vector<double> log_mp;
        std::vector<Estimate> plus_points;
        std::vector<std::string> plus_labels;
        std::vector<Judgement> union_better, beats_obs;
        md_tables += "\n### n = " + n + ": MSE vs M+ (M = " + std::to_string(m_for_mplus_panel((int)n_list[p])) +
                     ")\n\n| M+ | observed only | augmented | aug+obs |\n|---:|---:|---:|---:|\n";
        for (size_t k = 0; k < p_obs.size(); k++) {
            csv_add_row(&plus_table, {p_obs[k].keys[0], csv_number(p_obs[k].value.mean), sd_cell(p_obs[k].value),
                                      csv_number(p_aug[k].value.mean), sd_cell(p_aug[k].value),
                                      csv_number(p_union[k].value.mean), sd_cell(p_union[k].value),
                                      std::to_string(p_obs[k].value.count)});
            log_mp.push_back(std::log10(std::stod(p_obs[k].keys[0])));
            plus_points.push_back(p_aug[k].value);
            plus_labels.push_back("M+=" + p_obs[k].keys[0]);
            union_better.push_back(judge_less("aug+obs", p_union[k].value, "aug", p_aug[k].value));
            beats_obs.push_back(judge_less("aug", p_aug[k].value, "obs", p_obs[k].value));
            md_tables += "| " + p_obs[k].keys[0] + " | " + estimate_text(p_obs[k].value) + " | " + estimate_text(p_aug[k].value) +
                         " | " + estimate_text(p_union[k].value) + " |\n";
        }
        std::string plus_file = "fig4_Mplus_n" + n + ".csv";
        csv_write(out + "/" + plus_file, plus_table);
        PlotPanel plus_panel;
        plus_panel.title = std::string("(") + letters[p + 3] + ") n = " + n + ", M = " + std::to_string(m_for_mplus_panel((int)n_list[p]));
        plus_panel.xlabel = "M+";
        plus_panel.ylabel = "MSE";
        plus_panel.log_x = true;
        plus_panel.series.push_back({plus_file, "m_plus", "mse_aug_mean", "mse_aug_sd", "", "", style_line("black", LineKind::Solid, Marker::FilledCircle), "aug"});
        plus_panel.series.push_back({plus_file, "m_plus", "mse_aug_obs_mean", "mse_aug_obs_sd", "", "", style_line("orange", LineKind::Solid, Marker::OpenCircle), "aug+obs"});
        if (!p_obs.empty()) {
            plus_panel.references.push_back({p_obs[0].value.mean, LineKind::Dashed, "black", "obs"});
            claims.push_back(make_claim("fig4", "n=" + n + ": augmented MSE falls with M+", judge_trend_slope("log10 M+", log_mp, plus_points, Trend::Falls)));
            claims.push_back(make_claim("fig4", "n=" + n + ": aug+obs < aug at every M+", judge_all(plus_labels, union_better)));
            claims.push_back(make_claim("fig4", "n=" + n + ": augmented < observed at the largest M+",
                                        beats_obs.empty() ? Judgement() : Judgement(beats_obs.back())));
        }
        bottom.push_back(plus_panel);
    }
    std::vector<PlotPanel> panels = top;
    panels.insert(panels.end(), bottom.begin(), bottom.end());
    PlotLayout layout;
    layout.rows = 2;
    layout.cols = (int)n_list.size();
    plot_write_and_render(out, "fig4", panels, layout);
    write_claims(out + "/claims.csv", claims);

    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
    char seconds[32], job_seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.0f", wall);
    std::snprintf(job_seconds, sizeof job_seconds, "%.0f", merged.job_seconds_total);
    write_ensemble_run_info(out, argc, argv, scale, seed, wall, threads, merged, design.size());
    int held = 0;
    for (const Claim& claim : claims) held += claim.verdict == Verdict::Held;
    std::string md = "# Fig. 4: MSE vs observed size M and augmented size M+ (" + scale + " scale)\n\n";
    md += std::to_string(held) + " of " + std::to_string(claims.size()) + " checked claims held (g = 1, " +
          std::to_string(ensembles) + " ensemble member(s) per point; energy-variance stopping).\n\n";
    md += "## Settings\n\n| setting | value |\n|---|---|\n| n | " + joined(n_list) +
          " |\n| M (panels a-c) | " + joined(M_list) +
          " |\n| M+ (panels a-c) | " + std::to_string(M_plus) + " |\n| M+ (panels d-f) | " +
          joined(M_plus_list) +
          " |\n| diffusion | batch " + std::to_string(augment.batch) + ", checkpoints 1000·2^k up to " +
          std::to_string(augment.max_iterations) + ", probe " + std::to_string(augment.probe_count) + ", sampler " +
          sampler_name(augment.sampler) + " |\n| epsilon grid | " + erasure_grid_text(grid) + " |\n| seed, threads | " + std::to_string(seed) + ", " + std::to_string(threads) +
          " |\n| jobs merged | " + std::to_string(merged.jobs_done) + " of " + std::to_string(design.size()) + " (" +
          job_seconds + " s of job time; " + seconds + " s this invocation) |\n";
    md += "\n## MSE, mean ± sd over ensembles\n" + md_tables;
    md += "\n" + claims_markdown(claims);
    md += "\n![Fig. 4](fig4.png)\n\nGenerated by `" + command_line_text(argc, argv) + "`; not edited by hand.\n";
    write_file_atomic(out + "/summary.md", md);
    std::printf("%s", md.c_str());
    return 0;
}
