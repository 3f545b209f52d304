#include "sim/csv.h"

#include <charconv>
#include <cmath>

#include "sim/config.h"

namespace goodsim::sim {

std::string trim_blanks(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

namespace {

// The quoted field starting at line[open] (a quote): its text, and the index after the
// closing quote (line.size() if unterminated).
std::pair<std::string, std::size_t> read_quoted(std::string_view line, std::size_t open) {
  std::string text;
  std::size_t i = open + 1;
  while (i < line.size()) {
    if (line[i] != '"') {
      text += line[i++];
    } else if (i + 1 < line.size() && line[i + 1] == '"') {
      text += '"';
      i += 2;
    } else {
      return {text, i + 1};
    }
  }
  return {text, line.size()};
}

}  // namespace

std::vector<CsvField> split_csv_row(std::string_view line) {
  std::vector<CsvField> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t first = line.find_first_not_of(" \t", start);
    std::size_t comma = std::string_view::npos;
    if (first != std::string_view::npos && line[first] == '"') {
      auto [text, after] = read_quoted(line, first);
      fields.push_back({std::move(text), static_cast<int>(first) + 1});
      comma = line.find(',', after);
    } else {
      comma = line.find(',', start);
      const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
      fields.push_back({trim_blanks(line.substr(start, end - start)), static_cast<int>(start) + 1});
    }
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

std::optional<double> parse_csv_hours(std::string_view text) {
  if (auto h = parse_hours(text)) return h;
  double v = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

}  // namespace goodsim::sim
