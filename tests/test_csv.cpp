// CSV tables: exact round trip of text and numbers, column access by name, and the errors a bad file gives.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <string>

#include "../data/atomic_file.h"
#include "../report/csv.h"

static std::string temp_directory() {
    char pattern[] = "/tmp/repro_test_csv_XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    return pattern;
}

TEST_CASE("csv: files written for people have no quotes, so numpy's genfromtxt reads them", "[csv]") {
    CsvTable table = csv_table({"claim", "measured"});
    csv_add_row(&table, {"a, b", "say \"x\"\nthen y"});
    csv_add_row(&table, {"plain", "0.5"});
    CHECK(csv_format_plain(table) == "claim,measured\na; b,say 'x' then y\nplain,0.5\n");
    std::string dir = temp_directory();
    csv_write(dir + "/t.csv", table);
    CsvTable back = csv_read(dir + "/t.csv");
    CHECK(back.rows[0] == std::vector<std::string>{"a; b", "say 'x' then y"});
    CHECK(back.rows[1] == table.rows[1]);
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("csv: write and read back cells and numbers exactly", "[csv]") {
    CsvTable table = csv_table({"name", "value", "count"});
    double values[] = {0.1, 1.0 / 3.0, -2.5e-17, 6.02214076e23, 1e300, 0.0};
    const char* names[] = {"plain", "has, comma", "has \"quotes\"", "two\nlines", " padded ", ""};
    for (int i = 0; i < 6; i++) csv_add_row(&table, {names[i], csv_number(values[i]), csv_integer(i - 3)});
    CsvTable back = csv_parse(csv_format(table), "t.csv");
    REQUIRE(back.header == table.header);
    REQUIRE(back.rows == table.rows);
    for (int i = 0; i < 6; i++) {
        CHECK(csv_double(back, i, "value") == values[i]);  // bit-exact: shortest round-trip text
        CHECK(csv_int(back, i, "count") == i - 3);
        CHECK(csv_cell(back, i, "name") == names[i]);
    }
    CHECK(csv_number(0.1) == "0.1");
    CHECK(csv_doubles(back, "value").size() == 6);
    CHECK(csv_filter(back, "name", "plain").rows.size() == 1);
    // A one-column table with an empty cell survives (written as "" so it is not a blank line).
    CsvTable single = csv_table({"x"});
    csv_add_row(&single, {""});
    csv_add_row(&single, {"1"});
    CHECK(csv_parse(csv_format(single), "single").rows == single.rows);
    // \r\n line ends are read too.
    CsvTable crlf = csv_parse("a,b\r\n1,2\r\n", "crlf");
    CHECK(csv_double(crlf, 0, "b") == 2);
}

TEST_CASE("csv: errors name the file, line and column", "[csv]") {
    auto message = [](auto&& action) {
        try {
            action();
        } catch (const std::runtime_error& error) {
            return std::string(error.what());
        }
        return std::string("no error");
    };
    CHECK_THAT(message([] { csv_parse("a,b\n1,2\n3\n", "f.csv"); }), Catch::Contains("f.csv line 3"));
    CHECK_THAT(message([] { csv_parse("a,b\n\"1,2\n", "f.csv"); }), Catch::Contains("unterminated"));
    CHECK_THAT(message([] { csv_parse("", "f.csv"); }), Catch::Contains("empty"));
    CHECK_THAT(message([] { csv_parse("a,a\n", "f.csv"); }), Catch::Contains("twice"));
    CsvTable table = csv_parse("x,y\n1,nan\n2,\n3,abc\n", "g.csv");
    CHECK_THAT(message([&] { csv_column(table, "z"); }), Catch::Contains("no column 'z'") && Catch::Contains("x, y"));
    CHECK_THAT(message([&] { csv_double(table, 0, "y"); }), Catch::Contains("g.csv row 0 (line 2) column 'y'"));
    CHECK_THAT(message([&] { csv_double(table, 1, "y"); }), Catch::Contains("empty"));
    CHECK_THAT(message([&] { csv_double(table, 2, "y"); }), Catch::Contains("'abc'"));
    CHECK_THROWS(csv_number(NAN));
    CHECK_THROWS(csv_number(INFINITY));
    CHECK_THROWS(csv_read("/nonexistent/file.csv"));
    CsvTable narrow = csv_table({"a", "b"});
    CHECK_THROWS(csv_add_row(&narrow, {"1"}));
}
