#pragma once
// Plain-text tables for the terminal: columns as wide as their widest cell.

#include <cstddef>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace goodsim::cli {

// `text` padded with spaces to `width` on the left (right-aligned) or on the right.
std::string pad_left(const std::string& text, std::size_t width);
std::string pad_right(const std::string& text, std::size_t width);

// Columns sized to their widest cell, two spaces apart; `right[i]` aligns column i right.
class TextTable {
 public:
  explicit TextTable(std::vector<bool> right) : right_(std::move(right)) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  // Every row on its own line, each starting with `indent`, without trailing spaces.
  void print(std::ostream& out, const std::string& indent = "") const;

 private:
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace goodsim::cli
