// `repro fig4`: Fig. 4 of the paper (Sec. III A). How the sizes of the observed data (M) and of the augmented data
// (M⁺) change the inference, for n = 20, 40, 60 (network widths per n: Appendix A, method/appendix_a.h).
//   (a–c) MSE vs M, observed only vs M⁺ augmented samples;
//   (d–f) MSE vs M⁺ at fixed M (4000 for n = 20, 40; 8000 for n = 60): observed-only line, augmented only,
//         augmented + observed (inference on the union). One diffusion model per (n, ensemble member) serves every
//         M⁺ (its first M⁺ samples), so the points of a curve are paired.
// g = 1 and energy-variance stopping throughout. Design: one job per (n, M, ensemble member); runner/jobs.h.
#include <algorithm>
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

struct Fig4Settings {
    std::vector<long> n_list, M_list, M_plus_list;
    long M_plus = 20000;
    int ensembles = 1;
    SolverChoice solver;
    AugmentSettings augment;
};

std::string joined(const std::vector<long>& values, const std::string& separator) {
    std::string text;
    for (long value : values) text += (text.empty() ? "" : separator) + std::to_string(value);
    return text;
}

// M of the M⁺ panels (the paper's d–f): 8000 for n = 60, 4000 otherwise.
long m_for_mplus_panel(long n) { return n >= 60 ? 8000 : 4000; }

// One job per (n, M, ensemble member). Each generates max(M⁺) samples once and infers from prefixes of them: the
// panel a–c point uses the first M⁺ (--M-plus); the job whose M is the d–f panel's M of its n (4000, or 8000 at
// n = 60) also infers from every prefix in --M-plus-list, alone and with the observed data, so the d–f curves come
// from the same diffusion model as that a–c point (added to the design if M-list lacks it).
std::vector<Job> fig4_design(const Fig4Settings& s, uint64_t seed) {
    std::vector<Job> design;
    for (long n : s.n_list) {
        std::vector<long> Ms = s.M_list;
        if (std::find(Ms.begin(), Ms.end(), m_for_mplus_panel(n)) == Ms.end()) Ms.push_back(m_for_mplus_panel(n));
        for (long M : Ms)
            for (const std::string& e : ensemble_values(s.ensembles))
                design.push_back(job_make({{"n", std::to_string(n)}, {"M", std::to_string(M)}, {"ens", e}}));
    }
    const auto shared = augment_design_params(s.augment, s.solver, seed);
    for (Job& job : design) {
        job.params.insert(job.params.end(), {{"M_plus", std::to_string(s.M_plus)}, {"M_plus_list", joined(s.M_plus_list, ":")}});
        job.params.insert(job.params.end(), shared.begin(), shared.end());
    }
    return design;
}

CsvTable fig4_job(const Fig4Settings& s, const Job& job, uint64_t seed) {
    int n = (int)job_int(job, "n"), M = (int)job_int(job, "M");
    bool sweep = M == m_for_mplus_panel(n);
    std::vector<long> counts = {s.M_plus};
    if (sweep)
        for (long m : s.M_plus_list)
            if (m != s.M_plus) counts.push_back(m);
    std::sort(counts.begin(), counts.end());
    SkAugmentResult r = run_sk_augmentation(n, 1.0, M, counts, sweep, s.augment, s.solver,
                                            sk_point_seed(seed, n, 1.0, M, (int)job_int(job, "ens")));
    CsvTable rows = csv_table({"m_plus", "panel_a_c", "panel_d_f", "mse_obs", "mse_aug", "mse_aug_obs", "stop_iteration",
                               "stop_crossed", "fid_m_test", "fid_c_test", "fid_m_train_test", "fid_c_train_test"});
    for (size_t k = 0; k < counts.size(); k++) {
        bool in_sweep = sweep && std::find(s.M_plus_list.begin(), s.M_plus_list.end(), counts[k]) != s.M_plus_list.end();
        csv_add_row(&rows, {std::to_string(counts[k]), counts[k] == s.M_plus ? "1" : "0", in_sweep ? "1" : "0",
                            csv_number(r.mse_obs), csv_number(r.mse_aug[k]), sweep ? csv_number(r.mse_aug_obs[k]) : "",
                            csv_integer(r.trace.chosen_iteration), r.trace.stop.crossed ? "1" : "0",
                            csv_number(r.fidelity_test.magnetisation), csv_number(r.fidelity_test.correlation),
                            csv_number(r.yardstick.magnetisation), csv_number(r.yardstick.correlation)});
    }
    if (!s.augment.quiet)
        std::fprintf(stderr, "fig4 %s: MSE obs %.5f, aug %.5f (M+ %ld, stopped at %ld)\n", job.id.c_str(), r.mse_obs,
                     r.mse_aug.back(), counts.back(), r.trace.chosen_iteration);
    return rows;
}

// One curve of a panel: mean ± sd per x of each column, as table rows, plot points and Markdown cells.
struct Curves {
    std::vector<std::string> x;                  // the group keys, in design order
    std::vector<std::vector<Estimate>> columns;  // columns[c][k]
};
Curves curves_of(const CsvTable& rows, const std::string& x_column, const std::vector<std::string>& value_columns) {
    Curves curves;
    for (const std::string& column : value_columns) {
        std::vector<Group> groups = group_estimates(rows, {x_column}, column);
        curves.columns.push_back({});
        for (const Group& group : groups) curves.columns.back().push_back(group.value);
        if (curves.x.empty())
            for (const Group& group : groups) curves.x.push_back(group.keys[0]);
    }
    return curves;
}

// The CSV (x, then VALUE_mean, VALUE_sd per column, then ensembles) and the Markdown rows of a set of curves.
void write_curves(const std::string& path, const std::string& x_column, const std::vector<std::string>& value_columns,
                  const Curves& curves, std::vector<std::vector<std::string>>* md_rows) {
    std::vector<std::string> header = {x_column};
    for (const std::string& column : value_columns) header.insert(header.end(), {column + "_mean", column + "_sd"});
    header.push_back("ensembles");
    CsvTable table = csv_table(header);
    for (size_t k = 0; k < curves.x.size(); k++) {
        std::vector<std::string> cells = {curves.x[k]}, md = {curves.x[k]};
        for (const std::vector<Estimate>& column : curves.columns) {
            cells.insert(cells.end(), {csv_number(column[k].mean), sd_cell(column[k])});
            md.push_back(estimate_text(column[k]));
        }
        cells.push_back(std::to_string(curves.columns[0][k].count));
        csv_add_row(&table, cells);
        md_rows->push_back(md);
    }
    csv_write(path, table);
}

std::vector<double> log10_of(const std::vector<std::string>& x) {
    std::vector<double> values;
    for (const std::string& text : x) values.push_back(std::log10(std::stod(text)));
    return values;
}

PlotSeries curve(const std::string& file, const std::string& x, const std::string& column, const PlotStyle& style,
                 const std::string& title) {
    return {file, x, column + "_mean", column + "_sd", "", "", style, title};
}

// Panels (a–c) for one n: MSE vs M. Writes fig4_M_nN.csv, adds claims and a Markdown table.
PlotPanel m_panel(const std::string& out, const Fig4Settings& s, size_t p, const CsvTable& rows, FigureSummary* summary) {
    std::string n = std::to_string(s.n_list[p]), file = "fig4_M_n" + n + ".csv";
    CsvTable panel_rows = csv_filter(rows, "n", n);
    const std::vector<std::string> columns = {"mse_obs", "mse_aug", "fid_c_test", "fid_c_train_test"};
    Curves c = curves_of(panel_rows, "M", columns);
    std::vector<std::vector<std::string>> md_rows;
    write_curves(out + "/" + file, "M", columns, c, &md_rows);
    summary->tables += "\n### n = " + n + ": MSE vs M (M+ = " + std::to_string(s.M_plus) + ")\n\n" +
                       markdown_table({"M", "observed", "augmented", "mean |dC_ij| generated vs test",
                                       "training vs test"}, "rrrrr", md_rows);
    if (!c.x.empty()) {
        std::vector<double> log_m = log10_of(c.x);
        summary->claims.push_back(make_claim("fig4", "n=" + n + ": observed MSE falls with M", judge_trend_slope("log10 M", log_m, c.columns[0], Trend::Falls)));
        summary->claims.push_back(make_claim("fig4", "n=" + n + ": augmented MSE falls with M", judge_trend_slope("log10 M", log_m, c.columns[1], Trend::Falls)));
        summary->claims.push_back(make_claim("fig4", "n=" + n + ": augmented < observed at every M", judge_columns_less("M", panel_rows, "M", c.x, "mse_aug", "aug", "mse_obs", "obs")));
    }
    PlotPanel panel;
    panel.title = "(" + std::string(1, "abc"[p]) + ") n = " + n;
    panel.xlabel = "M";
    panel.ylabel = "MSE";
    panel.log_x = panel.log_y = true;
    panel.series = {curve(file, "M", "mse_obs", style_line("black", LineKind::Dashed, Marker::OpenCircle), "obs"),
                    curve(file, "M", "mse_aug", style_line("black", LineKind::Solid, Marker::FilledCircle), "aug")};
    return panel;
}

// Panels (d–f) for one n: MSE vs M⁺ at the panel's M. Writes fig4_Mplus_nN.csv, adds claims and a Markdown table.
PlotPanel mplus_panel(const std::string& out, const Fig4Settings& s, size_t p, const CsvTable& rows, FigureSummary* summary) {
    std::string n = std::to_string(s.n_list[p]), file = "fig4_Mplus_n" + n + ".csv";
    std::string M = std::to_string(m_for_mplus_panel(s.n_list[p]));
    CsvTable panel_rows = csv_filter(rows, "n", n);
    Curves c = curves_of(panel_rows, "m_plus", {"mse_obs", "mse_aug", "mse_aug_obs"});
    std::vector<std::vector<std::string>> md_rows;
    write_curves(out + "/" + file, "m_plus", {"mse_obs", "mse_aug", "mse_aug_obs"}, c, &md_rows);
    summary->tables += "\n### n = " + n + ": MSE vs M+ (M = " + M + ")\n\n" +
                       markdown_table({"M+", "observed only", "augmented", "aug+obs"}, "rrrr", md_rows);
    PlotPanel panel;
    panel.title = "(" + std::string(1, "def"[p]) + ") n = " + n + ", M = " + M;
    panel.xlabel = "M+";
    panel.ylabel = "MSE";
    panel.log_x = true;
    panel.series = {curve(file, "m_plus", "mse_aug", style_line("black", LineKind::Solid, Marker::FilledCircle), "aug"),
                    curve(file, "m_plus", "mse_aug_obs", style_line("orange", LineKind::Solid, Marker::OpenCircle), "aug+obs")};
    if (!c.x.empty()) {
        panel.references.push_back({c.columns[0][0].mean, LineKind::Dashed, "black", "obs"});
        summary->claims.push_back(make_claim("fig4", "n=" + n + ": augmented MSE falls with M+", judge_trend_slope("log10 M+", log10_of(c.x), c.columns[1], Trend::Falls)));
        summary->claims.push_back(make_claim("fig4", "n=" + n + ": aug+obs < aug at every M+", judge_columns_less("M+", panel_rows, "m_plus", c.x, "mse_aug_obs", "aug+obs", "mse_aug", "aug")));
        summary->claims.push_back(make_claim("fig4", "n=" + n + ": augmented < observed at the largest M+",
                                             judge_columns_less("M+", panel_rows, "m_plus", {c.x.back()}, "mse_aug",
                                                                "aug", "mse_obs", "obs")));
    }
    return panel;
}

FigureSummary fig4_summary(const std::string& out, const Fig4Settings& s, const CsvTable& merged) {
    FigureSummary summary;
    summary.tables = "## MSE, mean ± sd over ensembles\n";
    const bool em = ran_erasure_machine(merged);
    summary.observed = observed_mse_rows(
        merged, "mse_obs", [&](size_t row) { return em && csv_cell(merged, row, "panel_a_c") == "1"; }, 40, 1.0, 4000);
    CsvTable m_rows = csv_filter(merged, "panel_a_c", "1"), mplus_rows = csv_filter(merged, "panel_d_f", "1");
    std::vector<PlotPanel> top, bottom;
    for (size_t p = 0; p < s.n_list.size(); p++) {
        top.push_back(m_panel(out, s, p, m_rows, &summary));
        bottom.push_back(mplus_panel(out, s, p, mplus_rows, &summary));
    }
    top.insert(top.end(), bottom.begin(), bottom.end());
    PlotLayout layout;
    layout.rows = 2;
    layout.cols = (int)s.n_list.size();
    plot_write_and_render(out, "fig4", top, layout);
    int held = 0;
    for (const Claim& claim : summary.claims) held += claim.verdict == Verdict::Held;
    summary.title = "Fig. 4: MSE vs observed size M and augmented size M+";
    summary.headline = std::to_string(held) + " of " + std::to_string(summary.claims.size()) + " checked claims held (g = 1, " +
                       std::to_string(s.ensembles) + " ensemble member(s) per point; energy-variance stopping). " +
                       rule_fired_text(merged);
    summary.settings = {{"n", joined(s.n_list, ", ")}, {"M (panels a-c)", joined(s.M_list, ", ")},
                        {"M+ (panels a-c)", std::to_string(s.M_plus)}, {"M+ (panels d-f)", joined(s.M_plus_list, ", ")},
                        {"diffusion", diffusion_setting_text(s.augment)}, {"epsilon grid", erasure_grid_text(s.solver.grid)}};
    return summary;
}

}  // namespace

int command_fig4(int argc, char** argv) {
    bool paper = false;
    Args args = parse_ensemble_figure_args(argc, argv, "fig4", "the full design", {
        {"n-list", "LIST", "", "system sizes (quick 20,40; paper 20,40,60)"},
        {"M-list", "LIST", "", "observed sizes for panels a-c (quick 1000,4000; paper 1000,2000,4000,8000,16000)"},
        {"M-plus", "K", "", "augmented samples for panels a-c (quick 20000, paper 300000)"},
        {"M-plus-list", "LIST", "", "augmented sizes for panels d-f (quick 5000,10000,20000; paper 10000,30000,100000,300000)"}},
        "repro fig4 [--scale quick|paper] [--out DIR] [options]",
        "Fig. 4: MSE vs the observed size M (a-c) and the augmented size M+ (d-f) for several n,\n"
        "g = 1. Writes fig4_M_nN.csv, fig4_Mplus_nN.csv, fig4.png (+ fig4.gp), summary.md, claims.csv,\n"
        "run_info.csv; parts/ holds one file per job (--list-jobs, --job K, --merge).",
        &paper);
    FigureRun run = figure_run(args, "fig4", argc, argv);
    Fig4Settings s;
    s.n_list = figure_list(scale_list_text(args, "n-list", paper, "20,40,60", "20,40"), "n-list", 2, 200);
    s.M_list = figure_list(scale_list_text(args, "M-list", paper, "1000,2000,4000,8000,16000", "1000,4000"), "M-list", 10, FIGURE_MAX_M);
    s.M_plus = figure_int(args, "M-plus", 10, FIGURE_MAX_M_PLUS, paper ? 300000 : 20000);
    s.M_plus_list = figure_list(scale_list_text(args, "M-plus-list", paper, "10000,30000,100000,300000",
                                                    "5000,10000,20000"), "M-plus-list", 10, FIGURE_MAX_M_PLUS);
    s.ensembles = figure_members(args, paper);
    s.solver = solver_from_args(args, paper);
    s.augment = augment_settings_from_args(args, paper, 32000, 2000, run.threads);
    s.augment.cache = figure_store_from_args(args);
    if (s.ensembles < 1 || s.M_plus < 10) throw UsageError("need --members >= 1, M-plus >= 10");
    for (long n : s.n_list) if (n < 2 || n > 200) throw UsageError("--n-list values must be in 2..200");
    if (s.n_list.size() > 3) throw UsageError("--n-list takes at most 3 sizes (panels a-c)");
    return run_figure(args, run, fig4_design(s, run.seed), [&](const Job& j, int) { return fig4_job(s, j, run.seed); },
                      [&](const CsvTable& merged) { return fig4_summary(run.out, s, merged); });
}
