#include "version.h"

// The Makefile passes -DREPRO_GIT_COMMIT="..." (git rev-parse --short=12 HEAD, "-dirty" when files differ from it).
#ifndef REPRO_GIT_COMMIT
#define REPRO_GIT_COMMIT "unknown"
#endif

const char* repro_version() { return "1.0 (git " REPRO_GIT_COMMIT ")"; }
