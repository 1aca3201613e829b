#include "metrics.h"

#include <stdexcept>
#include <string>

double parameter_mse(const IsingParams& inferred, const IsingParams& truth) {
    int n = truth.n;
    if (inferred.n != n)
        throw std::runtime_error("parameter_mse: inferred parameters have n = " + std::to_string(inferred.n) +
                                 ", the truth n = " + std::to_string(n));
    double sum = 0.0;
    for (int i = 0; i < n; i++) sum += (inferred.bias[i] - truth.bias[i]) * (inferred.bias[i] - truth.bias[i]);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double d = inferred.coupling[(size_t)i * n + j] - truth.coupling[(size_t)i * n + j];
            sum += d * d;
        }
    return sum / (n + n * (n - 1) / 2.0);
}

std::vector<double> flatten_parameters(const IsingParams& params) {
    std::vector<double> flat(params.bias);
    for (int i = 0; i < params.n; i++)
        for (int j = i + 1; j < params.n; j++) flat.push_back(params.coupling[(size_t)i * params.n + j]);
    return flat;
}
