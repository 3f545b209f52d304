// Scenario files and `extends`: reading files, following extends chains, merging the layers.

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "sim/config.h"
#include "sim/config_access.h"
#include "sim/config_yaml.h"
#include "sim/input_file.h"

namespace goodsim::sim {

namespace fs = std::filesystem;

namespace {

// Reads a whole file; on failure returns nullopt and sets `error` to the system's reason.
std::optional<std::string> read_file(const std::string& path, std::string& error) {
  if (auto why = why_not_input_file(path, kMaxScenarioBytes, "scenario files")) {
    error = std::move(*why);
    return std::nullopt;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) {
    error = std::generic_category().message(errno);
    return std::nullopt;
  }
  std::string content;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    content.append(buffer, n);
    if (content.size() > kMaxScenarioBytes) {  // it grew since it was checked
      error = "over the " + human_bytes(kMaxScenarioBytes) + " limit for scenario files";
      return std::nullopt;
    }
  }
  if (std::ferror(file.get())) {
    error = std::generic_category().message(errno);  // e.g. "Is a directory"
    return std::nullopt;
  }
  return content;
}

// Identity used for cycle detection: resolves "./", "..", and symlinks where possible.
std::string file_identity(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  if (ec) return fs::absolute(fs::path(path), ec).lexically_normal().string();
  return canonical.string();
}

class ExtendsLoader {
 public:
  // `via` is the `extends` entry that asked for this file (nullptr for the top-level file).
  ConfigNode load(const std::string& path, const ConfigNode* via) {
    std::string identity = file_identity(path);
    for (std::size_t i = 0; i < chain_.size(); ++i) {
      if (chain_[i].identity != identity) continue;
      std::string cycle;
      for (std::size_t j = i; j < chain_.size(); ++j) cycle += chain_[j].display + " -> ";
      throw InputError(via->where(), via->path(), "extends cycle: " + cycle + path);
    }

    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) {
      if (via == nullptr) throw InputError(SourceLocation{path}, "", "cannot open file: " + error);
      throw InputError(via->where(), via->path(),
                       "cannot open file '" + path + "' named by extends: " + error);
    }
    ConfigNode root = detail::parse_yaml(*text, path, "", std::nullopt);
    const ConfigNode* extends = root.is_map() ? root.find("extends") : nullptr;
    if (extends == nullptr) return root;

    std::vector<ConfigNode> bases;
    if (extends->is_scalar()) {
      bases.push_back(*extends);
    } else if (extends->is_sequence()) {
      bases = extends->items();
    } else {
      throw extends->error("expected a file path or a list of file paths, got " +
                           extends->describe());
    }
    root.erase("extends");

    chain_.push_back({identity, path});
    ConfigNode merged = ConfigNode::map(root.where(), "");
    for (const ConfigNode& base : bases) {
      if (!base.is_scalar() || base.scalar().empty()) {
        throw base.error("expected a file path, got " + base.describe());
      }
      std::string base_path =
          (fs::path(path).parent_path() / fs::path(base.scalar())).lexically_normal().string();
      ConfigNode loaded = load(base_path, &base);
      if (loaded.is_null()) continue;  // an empty file contributes nothing
      if (!loaded.is_map()) {
        throw InputError(loaded.where(), "",
                         "a file used by extends must contain a map, got " + loaded.describe());
      }
      ConfigNodeAccess::merge(merged, std::move(loaded));
    }
    chain_.pop_back();
    ConfigNodeAccess::merge(merged, std::move(root));
    return merged;
  }

 private:
  struct ChainEntry {
    std::string identity;
    std::string display;
  };
  std::vector<ChainEntry> chain_;
};

}  // namespace

ConfigNode load_config_file(const std::string& path) {
  std::string display = fs::path(path).lexically_normal().string();
  if (display.empty()) display = path;
  ExtendsLoader loader;
  return loader.load(display, nullptr);
}

}  // namespace goodsim::sim
