#pragma once
// The one error type for bad user input (scenario files, --set overrides, CSV traces).
// It carries everything needed to fix the input; cli/main turns it into exit code 2.

#include <stdexcept>
#include <string>
#include <string_view>

namespace goodsim::sim {

// Where a value came from. line/column are 1-based; 0 means "not from a file" (e.g. --set).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

std::string to_string(const SourceLocation& where);

// `text` in single quotes as error messages show values: whole up to 80 bytes; longer, its
// first 60 bytes (not splitting a UTF-8 character), "…" and the length, e.g.
// 'AAAA…' (1073741824 bytes), so that a 1 GB value still gives a one-line message.
std::string quoted_excerpt(std::string_view text);

class InputError : public std::runtime_error {
 public:
  // key: dotted key path ("cluster.failure.node_mtbf"), empty when the error is about the file.
  InputError(SourceLocation where, std::string key, std::string message);

  const SourceLocation& where() const { return where_; }
  const std::string& key() const { return key_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string key_;
  std::string message_;
};

}  // namespace goodsim::sim
