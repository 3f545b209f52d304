#pragma once
// Write-to-temp-then-rename, so readers of `final_path` see either the old file or the complete
// new one, never a partial write, and a failed run leaves nothing behind.
//
//   AtomicFile out(path);
//   { auto f = h5::File::create(out.temp_path()); ...; f.close(); }  // closed before the rename
//   out.commit();

#include <filesystem>
#include <optional>
#include <string>

namespace goodsim::sim {

class AtomicFile {
 public:
  // The temp file is "<final_path>.tmp-<pid>": same directory, so the rename stays on one
  // filesystem and is atomic. Nothing is created until the caller writes temp_path().
  // Two live AtomicFiles for the same final path in one process would share the temp name.
  explicit AtomicFile(std::filesystem::path final_path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();  // removes the temp file unless commit() succeeded

  const std::filesystem::path& temp_path() const { return temp_path_; }
  const std::filesystem::path& final_path() const { return final_path_; }
  bool committed() const { return committed_; }

  // fsyncs the temp file, renames it over final_path (replacing any existing file), then fsyncs
  // the directory so the rename survives a crash. Throws std::runtime_error (with the system's
  // error text) if the temp file is missing or the rename fails; the temp file is then still
  // removed by the destructor.
  void commit();

 private:
  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  bool committed_ = false;
};

// Why an AtomicFile cannot write `final_path`, or nullopt if it can: the directory is missing,
// is not a directory, or refuses a new file (read-only, permissions, full). Tried for real, by
// creating and removing the temp file, so commands can refuse before hours of simulation.
std::optional<std::string> why_not_writable(const std::filesystem::path& final_path);

// Removes the "<name>.tmp-<pid>" files in `dir` that AtomicFiles of processes that no longer
// exist left behind (a kill -9, a power cut); only those of "<only_base>.tmp-*" unless it is
// empty. Temp files of live processes, this one included, are kept. Best effort: errors are
// ignored.
void remove_stale_temps(const std::filesystem::path& dir, const std::string& only_base = "");

}  // namespace goodsim::sim
