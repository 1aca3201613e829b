// The program's version: a release number and the git commit it was built from (embedded by the Makefile), so a
// parameter file or a run_info.csv says which code made it.
#pragma once

// "1.0 (git 0123abcd4567)", or "1.0 (git unknown)" when built outside a git checkout.
const char* repro_version();
