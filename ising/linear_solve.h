// Solving a small symmetric positive (semi)definite system, for Newton's method in the pseudo-likelihood solver and
// the correlation-matrix inverse of mean-field inference. n is at most a few thousand, so a plain Cholesky
// factorisation (n³/3 flops) in double is enough and keeps the project free of a LAPACK dependency.
#pragma once
#include <vector>

// Solves A x = b in place (b → x) for symmetric A (n × n, row-major; only read). If A is not numerically positive
// definite (e.g. two features always equal), a ridge δ·I is added, δ = 1e-10·(mean diagonal), ×100 until the
// factorisation succeeds; returns the ridge used (0 when none was needed). Throws if A has non-finite entries.
double solve_positive_definite(const std::vector<double>& A, int n, std::vector<double>* b);

// The inverse of a symmetric positive definite matrix (same ridge rule), row-major.
std::vector<double> inverse_positive_definite(const std::vector<double>& A, int n, double* ridge_used);
