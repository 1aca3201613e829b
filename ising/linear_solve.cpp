#include "linear_solve.h"

#include <cblas.h>
#include <cmath>
#include <stdexcept>

// Lower-triangular L with L Lᵀ = A + ridge·I; false if a pivot is not positive.
static bool cholesky(const std::vector<double>& A, int n, double ridge, std::vector<double>* L) {
    L->assign((size_t)n * n, 0.0);
    for (int j = 0; j < n; j++) {
        double pivot = A[(size_t)j * n + j] + ridge;
        for (int k = 0; k < j; k++) pivot -= (*L)[(size_t)j * n + k] * (*L)[(size_t)j * n + k];
        if (!(pivot > 0)) return false;
        double diagonal = std::sqrt(pivot);
        (*L)[(size_t)j * n + j] = diagonal;
        for (int i = j + 1; i < n; i++) {
            double value = A[(size_t)i * n + j];
            for (int k = 0; k < j; k++) value -= (*L)[(size_t)i * n + k] * (*L)[(size_t)j * n + k];
            (*L)[(size_t)i * n + j] = value / diagonal;
        }
    }
    return true;
}

static double factorise(const std::vector<double>& A, int n, std::vector<double>* L) {
    double trace = 0;
    for (size_t k = 0; k < A.size(); k++)
        if (!std::isfinite(A[k])) throw std::runtime_error("solve_positive_definite: non-finite matrix entry");
    for (int j = 0; j < n; j++) trace += std::fabs(A[(size_t)j * n + j]);
    double scale = trace > 0 ? trace / n : 1.0;
    if (cholesky(A, n, 0.0, L)) return 0.0;
    for (double ridge = 1e-10 * scale; ridge < 1e10 * scale; ridge *= 100)
        if (cholesky(A, n, ridge, L)) return ridge;
    throw std::runtime_error("solve_positive_definite: the matrix is not positive definite even with a ridge");
}

// Forward then backward substitution with L and Lᵀ.
static void substitute(const std::vector<double>& L, int n, double* x) {
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < i; k++) x[i] -= L[(size_t)i * n + k] * x[k];
        x[i] /= L[(size_t)i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
        for (int k = i + 1; k < n; k++) x[i] -= L[(size_t)k * n + i] * x[k];
        x[i] /= L[(size_t)i * n + i];
    }
}

double solve_positive_definite(const std::vector<double>& A, int n, std::vector<double>* b) {
    if ((int)b->size() != n || A.size() != (size_t)n * n) throw std::invalid_argument("solve_positive_definite: sizes");
    std::vector<double> L;
    double ridge = factorise(A, n, &L);
    substitute(L, n, b->data());
    return ridge;
}

std::vector<double> inverse_positive_definite(const std::vector<double>& A, int n, double* ridge_used) {
    if (A.size() != (size_t)n * n) throw std::invalid_argument("inverse_positive_definite: sizes");
    std::vector<double> L;
    *ridge_used = factorise(A, n, &L);
    // A⁻¹ = L⁻ᵀ L⁻¹: the two substitutions of solve_positive_definite applied to every column of I at once, by BLAS's
    // triangular solve (column by column, the backward pass reads L down its columns: seconds at n = 1000).
    std::vector<double> inverse((size_t)n * n, 0.0);
    for (int i = 0; i < n; i++) inverse[(size_t)i * n + i] = 1.0;
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, n, n, 1.0, L.data(), n,
                inverse.data(), n);
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, n, n, 1.0, L.data(), n,
                inverse.data(), n);
    return inverse;
}
