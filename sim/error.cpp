#include "sim/error.h"

namespace goodsim::sim {

std::string to_string(const SourceLocation& where) {
  // Appending piecewise sidesteps a GCC 12 -Wrestrict false positive on operator+.
  std::string out = where.file.empty() ? std::string("<input>") : where.file;
  if (where.line > 0) {
    out.append(":").append(std::to_string(where.line));
    if (where.column > 0) out.append(":").append(std::to_string(where.column));
  }
  return out;
}

std::string quoted_excerpt(std::string_view text) {
  constexpr std::size_t kWhole = 80;
  constexpr std::size_t kKept = 60;
  if (text.size() <= kWhole) return std::string("'").append(text).append("'");
  std::size_t end = kKept;
  // Back up over UTF-8 continuation bytes (10xxxxxx) to the start of a character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string("'")
      .append(text.substr(0, end))
      .append("\u2026' (")
      .append(std::to_string(text.size()))
      .append(" bytes)");
}

namespace {
std::string format(const SourceLocation& where, const std::string& key, const std::string& msg) {
  std::string out = to_string(where) + ": ";
  if (!key.empty()) out += "key " + quoted_excerpt(key) + ": ";
  return out + msg;
}
}  // namespace

InputError::InputError(SourceLocation where, std::string key, std::string message)
    : std::runtime_error(format(where, key, message)),
      where_(std::move(where)),
      key_(std::move(key)),
      message_(std::move(message)) {}

}  // namespace goodsim::sim
