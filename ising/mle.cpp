#include "mle.h"

#include <cmath>
#include <stdexcept>

#include "exact.h"

MleResult exact_mle(const Moments& data, const MleOptions& options) {
    int n = data.n;
    MleResult result;
    IsingParams& params = result.params;
    params.n = n;
    params.bias.assign(n, 0.0);
    params.coupling.assign((size_t)n * n, 0.0);
    double rate = options.learning_rate;
    for (int iteration = 0;; iteration++) {
        Moments model = exact_moments(params, nullptr);
        // Gradients of Eqs. (8)–(9): data average minus model average.
        double max_gradient = 0.0;
        for (int i = 0; i < n; i++) max_gradient = std::fmax(max_gradient, std::fabs(data.mean[i] - model.mean[i]));
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                max_gradient = std::fmax(max_gradient, std::fabs(data.correlation[(size_t)i * n + j] -
                                                                 model.correlation[(size_t)i * n + j]));
        result.iterations = iteration;
        result.max_gradient = max_gradient;
        result.converged = max_gradient < options.tolerance;
        if (result.converged || iteration == options.max_iter) return result;
        if (options.updates_done) ++*options.updates_done;
        // Eqs. (6)–(7)
        for (int i = 0; i < n; i++) params.bias[i] += rate * (data.mean[i] - model.mean[i]);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double w = params.coupling[(size_t)i * n + j] +
                           rate * (data.correlation[(size_t)i * n + j] - model.correlation[(size_t)i * n + j]);
                params.coupling[(size_t)i * n + j] = w;
                params.coupling[(size_t)j * n + i] = w;
            }
    }
}
