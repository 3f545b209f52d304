// Plain-text tables for the terminal (cli/text_table.h).

#include "cli/text_table.h"

#include <algorithm>

namespace goodsim::cli {

std::string pad_left(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string pad_right(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

void TextTable::print(std::ostream& out, const std::string& indent) const {
  std::vector<std::size_t> width(right_.size(), 0);
  for (const auto& r : rows_) {
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  for (const auto& r : rows_) {
    std::string line = indent;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i > 0) line += "  ";
      line += right_[i] ? pad_left(r[i], width[i]) : pad_right(r[i], width[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
}

}  // namespace goodsim::cli
