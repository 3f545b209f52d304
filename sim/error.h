#pragma once
// The one error type for bad user input (scenario files, --set overrides, CSV traces).
// It carries everything needed to fix the input; cli/main turns it into exit code 2.

#include <stdexcept>
#include <string>

namespace goodsim::sim {

// Where a value came from. line/column are 1-based; 0 means "not from a file" (e.g. --set).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

std::string to_string(const SourceLocation& where);

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
