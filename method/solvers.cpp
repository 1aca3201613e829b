#include "solvers.h"

#include <cstdio>
#include <stdexcept>
#include <vector>

#include "../ising/meanfield.h"
#include "../ising/plm.h"

std::string erasure_grid_text(const ErasureGrid& grid) {
    std::string text = std::to_string(grid.count) + " values in [0.1, 0.9]";
    if (grid.stride > 1) text += ", scanned with stride " + std::to_string(grid.stride);
    return text;
}

ErasureResult infer_erasure(const Samples& samples, const ErasureGrid& grid, int threads, uint64_t seed) {
    ErasureOptions options;
    options.eps_count = grid.count;
    options.eps_stride = grid.stride;
    options.threads = threads;
    options.seed = seed;
    return erasure_machine(samples, options);
}

Inference infer_with(const Samples& samples, const SolverChoice& solver, int threads, uint64_t seed) {
    Inference result;
    if (solver.kind == SolverKind::Erasure) {
        ErasureResult fit = infer_erasure(samples, solver.grid, threads, seed);
        result.params = fit.params;
        result.eps = fit.chosen_eps;
    } else if (solver.kind == SolverKind::Plm) {
        PlmOptions options;
        options.threads = threads;
        options.lambda = solver.plm_lambda;
        if (solver.plm_lambda_auto) {
            std::vector<double> scores;
            result.params = plm_fit_auto_lambda(samples, nullptr, 5, options, &result.lambda, &scores).params;
        } else {
            result.params = plm_fit(samples, options).params;
            result.lambda = solver.plm_lambda;
        }
    } else {
        result.params = mean_field_fit(samples).params;
    }
    return result;
}

std::string solver_name(const SolverChoice& solver) {
    if (solver.kind == SolverKind::Erasure) return "em";
    if (solver.kind == SolverKind::MeanField) return "mf";
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
