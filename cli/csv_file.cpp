#include "cli/csv_file.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <variant>
#include <vector>

#include "sim/atomic_file.h"

namespace goodsim::cli {
namespace {

std::string quoted(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Shortest text that reads back as the same double; integral values have no ".0".
std::string number(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "" : (v > 0 ? "inf" : "-inf");
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) throw std::runtime_error("cannot format a number for the CSV file");
  return std::string(buf, end);
}

}  // namespace

std::string csv_column_name(const sim::h5::Table::Column& column) {
  const std::string& n = column.name;
  const bool says_hours = n.size() >= 2 && n.compare(n.size() - 2, 2, "_h") == 0;
  return column.units == "h" && !says_hours ? n + "_h" : n;
}

void write_csv(const std::string& path, const sim::h5::Table& t) {
  sim::AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      out << (c ? "," : "") << quoted(csv_column_name(t.columns[c]));
    }
    out << "\n";
    for (std::size_t r = 0; r < t.rows(); ++r) {
      for (std::size_t c = 0; c < t.columns.size(); ++c) {
        if (c) out << ",";
        std::visit(
            [&](const auto& values) {
              if constexpr (std::is_same_v<std::decay_t<decltype(values)>, std::vector<double>>) {
                out << number(values[r]);
              } else {
                out << quoted(values[r]);
              }
            },
            t.columns[c].values);
      }
      out << "\n";
    }
    out.close();
    if (!out) throw std::runtime_error("cannot write '" + file.temp_path().string() + "'");
  }
  file.commit();
}

}  // namespace goodsim::cli
