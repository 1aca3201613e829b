#include "figure.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "../data/atomic_file.h"
#include "../data/store.h"
#include "../method/seeds.h"

// "a < b" at every point x of two columns of the same rows, paired member by member (the same data give both).
Judgement judge_columns_less(const std::string& x_name, const CsvTable& rows, const std::string& x_column,
                             const std::vector<std::string>& xs, const std::string& a, const std::string& a_name,
                             const std::string& b, const std::string& b_name) {
    std::vector<std::string> labels;
    std::vector<Judgement> judgements;
    for (const std::string& x : xs) {
        labels.push_back(x_name + "=" + x);
        judgements.push_back(judge_paired_less(a_name, group_values(rows, {x_column}, {x}, a), b_name,
                                               group_values(rows, {x_column}, {x}, b)));
    }
    return judge_all(labels, judgements);
}

std::vector<ObservedMse> observed_mse_rows(const CsvTable& merged, const std::string& mse_column,
                                           const std::function<bool(size_t row)>& keep, long n, double g, long M) {
    auto column_or = [&](size_t row, const char* column, double fallback) {
        return csv_has_column(merged, column) ? csv_double(merged, row, column) : fallback;
    };
    std::vector<ObservedMse> rows;
    for (size_t row = 0; row < merged.rows.size(); row++)
        if (keep(row))
            rows.push_back({(long)column_or(row, "n", n), column_or(row, "g", g), (long)column_or(row, "M", M),
                            (int)column_or(row, "ens", 0), csv_double(merged, row, mse_column)});
    return rows;
}

bool ran_erasure_machine(const CsvTable& merged) { return !csv_has_column(merged, "solver"); }

std::string rule_fired_text(const CsvTable& merged) {
    std::vector<std::string> seen, not_fired;
    for (size_t row = 0; row < merged.rows.size(); row++) {
        std::string id = csv_cell(merged, row, "job_id");
        if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
        seen.push_back(id);
        if (csv_cell(merged, row, "stop_crossed") != "1") not_fired.push_back(id);
    }
    std::string text = "The energy-variance rule fired in " + std::to_string(seen.size() - not_fired.size()) + " of " +
                       std::to_string(seen.size()) + " jobs";
    if (!not_fired.empty()) {
        text += " (not within the budget in:";
        for (size_t k = 0; k < not_fired.size(); k++) text += (k ? ", " : " ") + not_fired[k];
        text += "; the last checkpoint stood in)";
    }
    return text + ".";
}

OptionSpec store_option() {
    return {"store", "DIR", "", "the store of trained models the figures share (default $REPRO_STORE, else results/.store; "
                                "'none' trains every model)"};
}

const ModelCache* figure_store_from_args(const Args& args) {
    std::string option = arg_given(args, "store") ? arg_string(args, "store") : "";
    return option == "none" ? nullptr : figure_model_store(store_dir_choose(option));
}

Args parse_ensemble_figure_args(int argc, char** argv, const std::string& figure, const std::string& paper_design,
                                const std::vector<OptionSpec>& own, const std::string& usage,
                                const std::string& description, bool* paper, bool takes_solver) {
    std::vector<OptionSpec> spec = {{"scale", "S", "quick", "quick (the budgeted design: 3 members per point, M+ = 20,000) or paper (" + paper_design + ")"},
                                    {"out", "DIR", "results/" + figure, "output directory"},
                                    members_option()};
    std::vector<OptionSpec> solver = takes_solver ? solver_options() : std::vector<OptionSpec>();
    for (const std::vector<OptionSpec>& group : {own, erasure_options(), solver, augment_options(), job_options(),
                                                 {store_option()}})
        spec.insert(spec.end(), group.begin(), group.end());
    Args args = parse_args(argc, argv, 2, usage, description, spec, 0, 0);
    std::string scale = arg_string(args, "scale");
    if (scale != "quick" && scale != "paper") throw UsageError("--scale must be quick or paper, got '" + scale + "'");
    *paper = scale == "paper";
    return args;
}

OptionSpec members_option() {
    return {"members", "K", "", "members per point: new true parameters, data and diffusion model each (quick 3, paper 10)",
            {"ensembles"}};
}

int figure_members(const Args& args, bool paper) {
    return arg_given(args, "members") ? (int)arg_int_in_range(args, "members", 1, 1000) : paper ? 10 : 3;
}

std::string scale_list_text(const Args& args, const std::string& option, bool paper, const std::string& paper_default,
                            const std::string& quick_default) {
    return arg_given(args, option) ? arg_string(args, option) : (paper ? paper_default : quick_default);
}

std::vector<std::pair<std::string, std::string>> augment_design_params(const AugmentSettings& settings,
                                                                      const SolverChoice& solver, uint64_t seed) {
    std::vector<std::pair<std::string, std::string>> params = {
        {"max_iter", std::to_string(settings.max_iterations)}, {"probe", std::to_string(settings.probe_count)},
        {"sampler", sampler_name(settings.sampler)}, {"eps", erasure_grid_text(solver.grid)}, {"seed", std::to_string(seed)}};
    if (solver.kind != SolverKind::Erasure) params.push_back({"solver", solver_name(solver)});
    if (settings.recipe != "paper") params.push_back({"recipe", settings.recipe});
    if (settings.ema_decay > 0.0f) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", settings.ema_decay);  // "0.999", not the float's 0.99900001…
        params.push_back({"ema", text});
    }
    return params;
}

std::vector<std::string> ensemble_values(int count) {
    std::vector<std::string> values;
    for (int e = 0; e < count; e++) values.push_back(std::to_string(e));
    return values;
}

uint64_t job_seed(uint64_t seed, const std::string& figure, const Job& job) {
    return derive_seed(seed, text_hash(figure + "/" + job.id));
}

long long figure_int(const Args& args, const std::string& name, long long lo, long long hi, long long fallback) {
    return arg_given(args, name) ? arg_int_in_range(args, name, lo, hi) : fallback;
}

std::vector<long> figure_list(const std::string& text, const std::string& option, long lo, long hi) {
    std::vector<long> values = parse_long_list(text, option);
    for (long value : values)
        if (value < lo || value > hi)
            throw UsageError("--" + option + " values must be between " + std::to_string(lo) + " and " +
                             std::to_string(hi) + ", got '" + text + "'");
    return values;
}

std::shared_ptr<FileGate> figure_gate(const Args& args, const std::string& out) {
    auto given = [&](const char* name) {
        for (const OptionSpec& option : args.spec)
            if (option.name == name) return arg_given(args, name) ? arg_string(args, name) : std::string();
        return std::string();
    };
    std::shared_ptr<FileGate> gate = std::make_shared<FileGate>();
    gate->input("--data", given("data"));
    gate->output_folder("--out", out);
    std::string store = given("store");
    if (store != "none") gate->output_folder("--store", store_dir_choose(store));
    gate->check();
    return gate;
}

FigureRun figure_run(const Args& args, const std::string& figure, int argc, char** argv) {
    FigureRun run;
    run.gate = figure_gate(args, arg_string(args, "out"));
    run.start = std::chrono::steady_clock::now();
    run.figure = figure;
    run.out = arg_string(args, "out");
    run.scale = arg_string(args, "scale");
    run.seed = (uint64_t)arg_int(args, "seed");
    run.threads = apply_threads(args);
    run.argc = argc;
    run.argv = argv;
    return run;
}

std::string diffusion_setting_text(const AugmentSettings& settings) {
    return "batch " + std::to_string(settings.batch) + ", checkpoints 1000·2^k up to " +
           std::to_string(settings.max_iterations) + ", probe " + std::to_string(settings.probe_count) + ", sampler " +
           sampler_name(settings.sampler);
}

static std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f", seconds);
    return text;
}

std::string job_threads_text(const CsvTable& merged, int invocation_threads) {
    // Jobs per recorded thread count, counting each job once (a part has one row per result).
    std::map<std::string, std::set<std::string>> jobs_by_threads;
    bool has_column = csv_has_column(merged, JOB_THREADS_COLUMN), has_job = csv_has_column(merged, "job");
    for (size_t row = 0; row < merged.rows.size(); row++) {
        std::string threads = has_column ? csv_cell(merged, row, JOB_THREADS_COLUMN) : "";
        jobs_by_threads[threads.empty() ? "not recorded" : threads].insert(has_job ? csv_cell(merged, row, "job")
                                                                                   : std::to_string(row));
    }
    if (jobs_by_threads.empty() || (jobs_by_threads.size() == 1 && jobs_by_threads.count("not recorded")))
        return std::to_string(invocation_threads) + " (this invocation; the jobs' own were not recorded)";
    if (jobs_by_threads.size() == 1) return jobs_by_threads.begin()->first;
    std::string text;
    for (const auto& entry : jobs_by_threads)
        text += (text.empty() ? "" : ", ") + entry.first + " (" + std::to_string(entry.second.size()) +
                (entry.second.size() == 1 ? " job)" : " jobs)");
    return text;
}

void write_figure_outputs(const FigureRun& run, const MergeResult& merged, size_t design_size,
                          const FigureSummary& summary) {
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count();
    std::string command = command_line_text(run.argc, run.argv);
    std::string jobs = std::to_string(merged.jobs_done) + " of " + std::to_string(design_size);
    write_claims(run.out + "/claims.csv", summary.claims);
    if (!summary.observed.empty()) write_observed_mse(run.out + "/observed_mse.csv", summary.observed);
    // The threads the jobs ran with, not this invocation's: a merge may gather jobs run elsewhere.
    std::string threads = job_threads_text(merged.table, run.threads);
    write_run_info(run.out + "/run_info.csv",
                   {{"command", command}, {"scale", run.scale}, {"seed", std::to_string(run.seed)},
                    {"wall_seconds", seconds_text(wall)}, {"threads", threads}, {"jobs", jobs},
                    {"job_seconds_total", seconds_text(merged.job_seconds_total)}});
    SettingRows settings = summary.settings;
    settings.push_back({"seed, threads", std::to_string(run.seed) + ", " + threads});
    settings.push_back({"jobs merged", jobs + " (" + seconds_text(merged.job_seconds_total) + " s of job time; " +
                                           seconds_text(wall) + " s this invocation)"});
    std::string number = run.figure.substr(3);  // "fig3" → "3"
    std::string md = "# " + summary.title + " (" + run.scale + " scale)\n\n" + summary.headline + "\n\n" +
                     settings_markdown(settings) + summary.tables + "\n" + claims_markdown(summary.claims) +
                     "\n![Fig. " + number + "](" + run.figure + ".png)\n\nGenerated by `" + command +
                     "`; not edited by hand.\n";
    write_file_atomic(run.out + "/summary.md", md);
    std::printf("%s", md.c_str());
}

int run_figure(const Args& args, const FigureRun& run, const std::vector<Job>& design, const JobFunction& job,
               const std::function<FigureSummary(const CsvTable& merged)>& summarise) {
    make_directories(run.out);
    // Each part records the threads its job ran with: training sums per-thread gradients, so a job is bit-reproducible
    // for its seed and thread count (diffusion/diffusion.h), and a design may be run partly by other invocations.
    JobFunction recorded = [&](const Job& one, int index) {
        CsvTable rows = job(one, index);
        rows.header.push_back(JOB_THREADS_COLUMN);
        for (std::vector<std::string>& row : rows.rows) row.push_back(std::to_string(run.threads));
        return rows;
    };
    MergeResult merged;
    if (!jobs_dispatch(args, run.out, design, recorded, &merged)) return 0;
    write_figure_outputs(run, merged, design.size(), summarise(merged.table));
    return 0;
}
