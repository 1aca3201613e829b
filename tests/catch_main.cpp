// The Catch2 (v2) main, compiled once; every tests/test_*.cpp file adds its own TEST_CASEs.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
