#pragma once
// Rows of the CSV files goodsim reads (failure traces, failure logs): one record per line,
// fields separated by commas, blanks around a field ignored. A field may be double-quoted
// (RFC 4180) to hold commas; "" inside quotes is one quote. Each field keeps the column it
// starts at, so errors can point at it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goodsim::sim {

struct CsvField {
  std::string text;
  int column = 1;  // 1-based byte column of the field's first character in the line
};

// `text` without leading and trailing blanks (space, tab, CR).
std::string trim_blanks(std::string_view text);

// The fields of one line, trimmed. An unterminated quote takes the rest of the line.
std::vector<CsvField> split_csv_row(std::string_view line);

// A duration with a unit ("36h", "90min"; see parse_hours) or a bare number of hours ("1.5"):
// the time columns of CSV files, where a column of plain numbers is common. nullopt otherwise.
std::optional<double> parse_csv_hours(std::string_view text);

}  // namespace goodsim::sim
