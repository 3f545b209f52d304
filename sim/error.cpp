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

namespace {
std::string format(const SourceLocation& where, const std::string& key, const std::string& msg) {
  std::string out = to_string(where) + ": ";
  if (!key.empty()) out += "key '" + key + "': ";
  return out + msg;
}
}  // namespace

InputError::InputError(SourceLocation where, std::string key, std::string message)
    : std::runtime_error(format(where, key, message)),
      where_(std::move(where)),
      key_(std::move(key)),
      message_(std::move(message)) {}

}  // namespace goodsim::sim
