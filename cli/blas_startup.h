// At start-up: run the best BLAS kernels this CPU supports (issue 25). See cli/blas_startup.cpp.
#pragma once

// The first thing main() does (repro's, and the benchmarks'): `PROGRAM --blas-self-test` runs the GEMM self-test on
// the core OpenBLAS loaded (the one REPRO_BLAS_EXPECT names; used on a candidate core in a child process) and returns
// its exit status. Otherwise, when OpenBLAS fell back to kernels below what the CPU supports (or its own kernels fail
// the self-test), each better core is tested in a child process and the program re-executes itself with
// OPENBLAS_CORETYPE set to the first that passes; nothing happens when the user set OPENBLAS_CORETYPE. Returns −1
// when main() should go on.
int blas_startup(int argc, char** argv);
