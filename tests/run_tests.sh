#!/bin/sh
# Runs the Catch2 suite and the sanitizer suite, then prints one plain closing line "N passed, N failed".
# Extra arguments go to the main suite (e.g. a tag like "[ising]").
passed=0; failed=0; status=0
for binary in build/run_tests build/run_tests_asan; do
    if [ "$binary" = build/run_tests ]; then ./$binary "$@" | tee build/last_test.log; code=$?
    else ./$binary | tee build/last_test.log; code=$?; fi
    # `tee` hides the exit status of the test binary; recover it from the log below.
    summary=$(grep -E "^(All tests passed|test cases:)" build/last_test.log | tail -1)
    case "$summary" in
        "All tests passed"*) n=$(echo "$summary" | sed -E 's/.* in ([0-9]+) test case.*/\1/'); passed=$((passed + n)) ;;
        "test cases:"*)
            p=$(echo "$summary" | sed -nE 's/.*\| *([0-9]+) passed.*/\1/p'); f=$(echo "$summary" | sed -nE 's/.*\| *([0-9]+) failed.*/\1/p')
            passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1})); status=1 ;;
        "No tests ran"*) ;;
        *) echo "$binary: no test summary (crashed?)"; failed=$((failed + 1)); status=1 ;;
    esac
done
echo "$passed passed, $failed failed"
exit $status
