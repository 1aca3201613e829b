#include "solvers.h"

#include <cstdio>
#include <stdexcept>
#include <vector>

#include "../ising/moments.h"

std::string erasure_grid_text(const ErasureGrid& grid) {
    std::string text = std::to_string(grid.count) + " values in [0.1, 0.9]";
    if (grid.stride > 1) text += ", scanned with stride " + std::to_string(grid.stride);
    return text;
}

ErasureResult infer_erasure(const Samples& samples, const ErasureGrid& grid, int threads, uint64_t seed) {
    SolverChoice solver;
    solver.grid = grid;
    return erasure_machine(samples, erasure_options_for(solver, threads, seed));
}

ErasureOptions erasure_options_for(const SolverChoice& solver, int threads, uint64_t seed) {
    ErasureOptions options;
    options.eps_min = solver.eps_min;
    options.eps_max = solver.eps_max;
    options.eps_count = solver.grid.count;
    options.eps_stride = solver.grid.stride;
    if (solver.max_iter >= 0) options.max_iter = solver.max_iter;
    options.threads = threads;
    options.seed = seed;
    options.runs_done = solver.work_done;
    return options;
}

Inference infer_with(const Samples& samples, const SolverChoice& solver, int threads, uint64_t seed) {
    Inference result;
    if (solver.kind == SolverKind::Erasure) {
        result.erasure = erasure_machine(samples, erasure_options_for(solver, threads, seed));
        result.params = result.erasure.params;
        result.eps = result.erasure.chosen_eps;
    } else if (solver.kind == SolverKind::Plm) {
        PlmOptions options;
        options.threads = threads;
        options.lambda = solver.plm_lambda;
        options.tolerance = solver.tolerance;
        if (solver.max_iter >= 0) options.max_iter = solver.max_iter;
        if (solver.plm_lambda_auto) {
            result.plm = plm_fit_auto_lambda(samples, solver.plm_validation, solver.plm_folds, options, &result.lambda,
                                             &result.plm_lambda_scores);
        } else {
            result.plm = plm_fit(samples, options);
            result.lambda = solver.plm_lambda;
        }
        result.params = result.plm.params;
    } else if (solver.kind == SolverKind::MeanField) {
        result.mean_field = mean_field_fit(samples);
        result.params = result.mean_field.params;
    } else {
        MleOptions options;
        options.tolerance = solver.tolerance;
        if (solver.max_iter >= 0) options.max_iter = solver.max_iter;
        options.updates_done = solver.work_done;
        result.mle = exact_mle(sample_moments(samples), options);
        result.params = result.mle.params;
    }
    return result;
}

std::string solver_name(const SolverChoice& solver) {
    if (solver.kind == SolverKind::Erasure) return "em";
    if (solver.kind == SolverKind::MeanField) return "mf";
    if (solver.kind == SolverKind::ExactMle) return "mle";
    if (solver.plm_lambda_auto) return "plm-auto";
    if (solver.plm_lambda == 0) return "plm";
    char text[48];
    std::snprintf(text, sizeof text, "plm-lambda%g", solver.plm_lambda);
    return text;
}

SolverChoice solver_named(const std::string& name, const ErasureGrid& grid) {
    SolverChoice solver;
    solver.grid = grid;
    if (name == "plm" || name == "plm-auto") solver.kind = SolverKind::Plm;
    else if (name == "mf") solver.kind = SolverKind::MeanField;
    else if (name != "em") throw std::invalid_argument("solver_named: unknown solver '" + name + "'");
    solver.plm_lambda_auto = name == "plm-auto";
    return solver;
}
