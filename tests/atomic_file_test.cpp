// sim::AtomicFile: a results file appears whole under its final name or not at all; the
// temporary beside it is named by the process and never outlives a failure.

#include "sim/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/hdf5.h"
#include "tests/test_support.h"

namespace goodsim::sim {
namespace {

namespace fs = std::filesystem;
using test::HasSubstr;

// A fresh directory per test, removed afterwards.
class AtomicFileTest : public ::testing::Test {
 protected:
  test::TempDir tmp_;
  const fs::path dir_ = tmp_.path();
};

TEST_F(AtomicFileTest, TempIsBesideFinalAndNamedByPid) {
  AtomicFile out(dir_ / "r.h5");
  EXPECT_EQ(out.temp_path().parent_path(), dir_);
  EXPECT_EQ(out.temp_path().filename().string(), "r.h5.tmp-" + std::to_string(::getpid()));
  EXPECT_EQ(out.final_path(), dir_ / "r.h5");
  EXPECT_FALSE(fs::exists(out.temp_path()));  // nothing is created up front
}

TEST_F(AtomicFileTest, CommitRenamesAndLeavesNoTemp) {
  const fs::path final_path = dir_ / "results.h5";
  fs::path temp;
  {
    AtomicFile out(final_path);
    temp = out.temp_path();
    {
      auto f = h5::File::create(out.temp_path());
      f.root().write("x", std::vector<double>{1.0, 2.0}, "h");
    }
    EXPECT_FALSE(fs::exists(final_path));
    out.commit();
    EXPECT_TRUE(out.committed());
    EXPECT_THROW(out.commit(), std::runtime_error);
  }
  EXPECT_FALSE(fs::exists(temp));
  auto f = h5::File::open_read(final_path.string());
  EXPECT_EQ(f.root().read_doubles("x"), (std::vector<double>{1.0, 2.0}));
  EXPECT_EQ(std::vector<fs::path>(fs::directory_iterator(dir_), fs::directory_iterator()),
            std::vector<fs::path>{final_path});
}

TEST_F(AtomicFileTest, CommitRefusesToReplaceADevice) {
  // A FIFO stands in for /dev/null: a rename over it would replace the device node.
  const fs::path final_path = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(final_path.c_str(), 0600), 0);
  {
    AtomicFile out(final_path);
    std::ofstream(out.temp_path()) << "results";
    EXPECT_THROW(out.commit(), std::runtime_error);
  }
  EXPECT_TRUE(fs::is_fifo(final_path));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(AtomicFileTest, CommitReplacesExistingFile) {
  const fs::path final_path = dir_ / "out.txt";
  std::ofstream(final_path) << "old";
  {
    AtomicFile out(final_path);
    std::ofstream(out.temp_path()) << "new";
    out.commit();
  }
  std::ifstream in(final_path);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "new");
}

TEST_F(AtomicFileTest, DestructionWithoutCommitLeavesNothing) {
  {
    AtomicFile out(dir_ / "results.h5");
    auto f = h5::File::create(out.temp_path());
    f.root().write("x", std::vector<double>{1.0}, "h");
    f.close();
    EXPECT_TRUE(fs::exists(out.temp_path()));
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(AtomicFileTest, ExceptionWhileWritingLeavesNothingAndKeepsOldFile) {
  const fs::path final_path = dir_ / "results.h5";
  std::ofstream(final_path) << "previous results";
  try {
    AtomicFile out(final_path);
    auto f = h5::File::create(out.temp_path());
    f.root().write("x", std::vector<double>{1.0}, "h");
    f.root().write("x", std::vector<double>{1.0}, "h");  // throws: already exists
    out.commit();
    FAIL() << "expected h5::Error";
  } catch (const h5::Error&) {
  }
  EXPECT_EQ(std::vector<fs::path>(fs::directory_iterator(dir_), fs::directory_iterator()),
            std::vector<fs::path>{final_path});
  EXPECT_EQ(fs::file_size(final_path), std::string("previous results").size());
}

TEST_F(AtomicFileTest, CommitWithoutTempFileThrowsWithReason) {
  AtomicFile out(dir_ / "never-written.h5");
  try {
    out.commit();
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(HasSubstr(e.what(), "never-written.h5"));
    EXPECT_TRUE(HasSubstr(e.what(), "No such file or directory"));
  }
  EXPECT_FALSE(out.committed());
  EXPECT_FALSE(fs::exists(out.final_path()));
}

}  // namespace
}  // namespace goodsim::sim
