#include "sim/hdf5.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace goodsim::sim {
namespace {

namespace fs = std::filesystem;

using test::HasSubstr;

// A fresh directory per test, removed afterwards.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("goodsim-" + std::string(info->test_suite_name()) + "-" +
                                        info->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

using Hdf5Test = TempDirTest;

// Number of open HDF5 objects (files, groups, datasets, attributes, named types) process-wide.
ssize_t open_hdf5_objects() {
  return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
}

std::string error_of(const auto& fn) {
  try {
    fn();
  } catch (const h5::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected h5::Error";
  return "";
}

TEST_F(Hdf5Test, DoubleDatasetRoundTrip) {
  const std::vector<double> values = {0.0, -1.5, 3.25, 1e300, std::numeric_limits<double>::min()};
  {
    auto f = h5::File::create(path("d.h5"));
    auto root = f.root();
    root.write("latency", values, "h");
    root.write("empty", std::vector<double>{}, "1");
  }
  auto f = h5::File::open_read(path("d.h5"));
  auto root = f.root();
  EXPECT_EQ(root.read_doubles("latency"), values);
  EXPECT_EQ(root.string_attribute("units", "latency"), "h");
  EXPECT_TRUE(root.read_doubles("empty").empty());
  EXPECT_EQ(root.string_attribute("units", "empty"), "1");
}

TEST_F(Hdf5Test, Int64DatasetRoundTrip) {
  const std::vector<std::int64_t> values = {0, -7, 42, std::numeric_limits<std::int64_t>::max(),
                                            std::numeric_limits<std::int64_t>::min()};
  {
    auto f = h5::File::create(path("i.h5"));
    f.root().write("failures", values, "count");
  }
  auto f = h5::File::open_read(path("i.h5"));
  EXPECT_EQ(f.root().read_int64s("failures"), values);
  EXPECT_EQ(f.root().string_attribute("units", "failures"), "count");
  // Reading with the wrong element type is refused rather than silently converted.
  EXPECT_TRUE(HasSubstr(error_of([&] { f.root().read_doubles("failures"); }), "failures"));
}

TEST_F(Hdf5Test, LargeDatasetsAreCompressedAndEveryOneIsChecksummed) {
  std::vector<double> big(100000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<double>(i % 10);
  const std::vector<double> small(100, 2.0);
  {
    auto f = h5::File::create(path("big.h5"));
    f.root().write("big", big, "h");
    f.root().write("small", small, "h");
  }
  auto f = h5::File::open_read(path("big.h5"));
  EXPECT_EQ(f.root().read_doubles("big"), big);
  EXPECT_EQ(f.root().read_doubles("small"), small);

  auto layout_of = [&](const char* name, int* filters) {
    h5::DatasetHandle ds(H5Dopen2(f.root().id(), name, H5P_DEFAULT));
    h5::PropertyListHandle dcpl(H5Dget_create_plist(ds.get()));
    *filters = H5Pget_nfilters(dcpl.get());
    return H5Pget_layout(dcpl.get());
  };
  int filters = -1;
  // Fletcher32 needs chunked storage: a small dataset is one chunk (issue 11 item 2).
  EXPECT_EQ(layout_of("small", &filters), H5D_CHUNKED);
  EXPECT_EQ(filters, 1);  // fletcher32
  if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) GTEST_SKIP() << "deflate not available";
  EXPECT_EQ(layout_of("big", &filters), H5D_CHUNKED);
  EXPECT_EQ(filters, 3);  // shuffle + deflate + fletcher32
  EXPECT_LT(fs::file_size(path("big.h5")), big.size() * sizeof(double) / 4);
  f.verify();
}

// A run appends its replications block by block (cli::PointWriter): what reads back is what
// writing everything at once stores, with the same units and names, checksummed and compressed.
TEST_F(Hdf5Test, AGrowingDatasetReadsBackAsOneWrittenWhole) {
  std::vector<double> values(100000);
  std::vector<std::int64_t> counts(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = 0.5 * static_cast<double>(i % 97);
    counts[i] = static_cast<std::int64_t>(i % 13);
  }
  {
    auto f = h5::File::create(path("grow.h5"));
    auto root = f.root();
    auto x = root.create_growing("p/x", h5::Group::Element::kFloat64, "h");
    auto n = root.create_growing("p/n", h5::Group::Element::kInt64, "count");
    auto m = root.create_growing_matrix("p/m", 2, "h", {"a", "b"});
    root.create_growing("p/empty", h5::Group::Element::kFloat64, "h");
    for (std::size_t first = 0; first < values.size(); first += 4096) {
      const std::size_t k = std::min<std::size_t>(4096, values.size() - first);
      x.append(std::span(values).subspan(first, k));
      n.append(std::span(counts).subspan(first, k));
      m.append(std::span(values).subspan(first, k - k % 2));
    }
    EXPECT_EQ(x.rows(), values.size());
    EXPECT_THROW(x.append(std::span(counts)), h5::Error);           // not its type
    EXPECT_THROW(m.append(std::span(values).first(3)), h5::Error);  // not whole rows
    f.close();
  }
  auto f = h5::File::open_read(path("grow.h5"));
  f.verify();
  auto root = f.root();
  EXPECT_EQ(root.read_doubles("p/x"), values);
  EXPECT_EQ(root.read_int64s("p/n"), counts);
  EXPECT_TRUE(root.read_doubles("p/empty").empty());
  EXPECT_EQ(root.string_attribute("units", "p/n"), "count");
  EXPECT_EQ(root.string_array_attribute("names", "p/m"), (std::vector<std::string>{"a", "b"}));
  const h5::Matrix m = root.read_matrix("p/m");
  EXPECT_EQ(m.cols, 2u);
  EXPECT_EQ(m.data[7], values[7]);
  h5::DatasetHandle ds(H5Dopen2(root.id(), "p/x", H5P_DEFAULT));
  h5::PropertyListHandle dcpl(H5Dget_create_plist(ds.get()));
  EXPECT_EQ(H5Pget_layout(dcpl.get()), H5D_CHUNKED);
  EXPECT_EQ(H5Pget_filter_by_id2(dcpl.get(), H5Z_FILTER_FLETCHER32, nullptr, nullptr, nullptr, 0,
                                 nullptr, nullptr),
            0);
}

TEST_F(Hdf5Test, VerifyFindsABitFlippedInADataset) {
  const std::vector<double> values = {1.25, 2.5, 3.75, 1234.5678};
  {
    auto f = h5::File::create(path("flip.h5"));
    f.root().write("points/000000/goodput", values, "1");
  }
  h5::File::open_read(path("flip.h5")).verify();
  std::string bytes;
  {
    std::ifstream in(path("flip.h5"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string pattern(sizeof(double), '\0');
  std::memcpy(pattern.data(), &values[3], sizeof(double));
  const std::size_t at = bytes.find(pattern);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1] = static_cast<char>(bytes[at + 1] ^ 0x01);
  std::ofstream(path("flip.h5"), std::ios::binary | std::ios::trunc) << bytes;
  const auto f = h5::File::open_read(path("flip.h5"));
  const std::string e = error_of([&] { f.verify(); });
  EXPECT_TRUE(HasSubstr(e, "dataset '/points/000000/goodput' does not read back")) << e;
  EXPECT_TRUE(
      HasSubstr(error_of([&] { f.root().read_doubles("points/000000/goodput"); }), "goodput"));
}

TEST_F(Hdf5Test, MatrixRoundTrip) {
  const std::vector<double> data = {1, 2, 3, 4, 5, 6};
  const std::vector<std::string> names = {"up", "down", "degraded"};
  {
    auto f = h5::File::create(path("m.h5"));
    f.root().write_matrix("state", data, 2, 3, "h", names);
  }
  auto f = h5::File::open_read(path("m.h5"));
  const h5::Matrix m = f.root().read_matrix("state");
  EXPECT_EQ(m.rows, 2u);
  EXPECT_EQ(m.cols, 3u);
  EXPECT_EQ(m.data, data);
  EXPECT_EQ(f.root().string_attribute("units", "state"), "h");
  EXPECT_EQ(f.root().string_array_attribute("names", "state"), names);
}

TEST_F(Hdf5Test, MatrixShapeMismatchIsRejected) {
  auto f = h5::File::create(path("m.h5"));
  auto root = f.root();
  const std::vector<double> data = {1, 2, 3, 4, 5, 6};
  EXPECT_TRUE(HasSubstr(error_of([&] {
                          root.write_matrix("a", data, 4, 2, "h", {"x", "y"});
                        }),
                        "6 values for 4 x 2"));
  EXPECT_TRUE(HasSubstr(error_of([&] {
                          root.write_matrix("b", data, 2, 3, "h", {"x", "y"});
                        }),
                        "2 column names for 3 columns"));
  EXPECT_FALSE(root.has("a"));
  EXPECT_FALSE(root.has("b"));
}

TEST_F(Hdf5Test, ManyColumnNamesFitInAttribute) {
  // Beyond 64 KiB of attribute data, which needs HDF5's dense attribute storage.
  const std::size_t cols = 5000;
  std::vector<std::string> names;
  for (std::size_t c = 0; c < cols; ++c)
    names.push_back("a_fairly_long_column_name_" + std::to_string(c));
  const std::vector<double> data(cols, 1.0);
  {
    auto f = h5::File::create(path("wide.h5"));
    f.root().write_matrix("wide", data, 1, cols, "1", names);
  }
  auto f = h5::File::open_read(path("wide.h5"));
  EXPECT_EQ(f.root().string_array_attribute("names", "wide"), names);
  EXPECT_EQ(f.root().read_matrix("wide").data, data);
}

TEST_F(Hdf5Test, AttributesRoundTripAndOverwrite) {
  {
    auto f = h5::File::create(path("a.h5"));
    auto g = f.root().create_group("run");
    g.set_attribute("scenario", "baseline µs");
    g.set_attribute("horizon", 8760.5);
    g.set_attribute("seed", std::int64_t{-123456789012345});
    g.set_attribute("replications", 30);  // plain int goes to the int64 overload
    g.set_attribute("empty", "");
    g.set_attribute("changed", "first");
    g.set_attribute("changed", 2.0);  // overwriting may change the type
    EXPECT_THROW(g.set_attribute("huge", std::numeric_limits<std::uint64_t>::max()), h5::Error);
  }
  auto f = h5::File::open_read(path("a.h5"));
  auto g = f.root().open_group("run");
  EXPECT_EQ(g.string_attribute("scenario"), "baseline µs");
  EXPECT_EQ(g.double_attribute("horizon"), 8760.5);
  EXPECT_EQ(g.int64_attribute("seed"), -123456789012345);
  EXPECT_EQ(g.int64_attribute("replications"), 30);
  EXPECT_EQ(g.string_attribute("empty"), "");
  EXPECT_EQ(g.double_attribute("changed"), 2.0);
  EXPECT_TRUE(g.has_attribute("seed"));
  EXPECT_FALSE(g.has_attribute("huge"));
  EXPECT_TRUE(f.root().has_attribute("seed", "run"));
  // Type mismatches are errors, not silent conversions.
  EXPECT_TRUE(HasSubstr(error_of([&] { g.int64_attribute("horizon"); }), "horizon"));
  EXPECT_TRUE(HasSubstr(error_of([&] { g.double_attribute("scenario"); }), "scenario"));
  EXPECT_TRUE(HasSubstr(error_of([&] { g.string_attribute("seed"); }), "seed"));
  EXPECT_TRUE(HasSubstr(error_of([&] { g.string_attribute("missing"); }), "missing"));
}

h5::Table sample_table() {
  h5::Table t;
  t.columns.push_back({"policy", "", std::vector<std::string>{"a", "bb", "longest-name", ""}});
  t.columns.push_back({"mean", "h", std::vector<double>{1.0, -2.5, 1e-9, 4.0}});
  t.columns.push_back({"unit", "", std::vector<std::string>{"µs", "h", "h", "h"}});
  t.columns.push_back({"count", "count", std::vector<double>{1, 2, 3, 4}});
  return t;
}

TEST_F(Hdf5Test, TableRoundTrip) {
  const h5::Table table = sample_table();
  {
    auto f = h5::File::create(path("t.h5"));
    f.root().write_table("summary", table);
  }
  auto f = h5::File::open_read(path("t.h5"));
  const h5::Table back = f.root().read_table("summary");
  ASSERT_EQ(back.columns.size(), table.columns.size());
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    EXPECT_EQ(back.columns[c].name, table.columns[c].name);
    EXPECT_EQ(back.columns[c].units, table.columns[c].units);
    EXPECT_EQ(back.columns[c].values, table.columns[c].values) << table.columns[c].name;
  }
  EXPECT_EQ(back.rows(), 4u);
  EXPECT_EQ(f.root().string_array_attribute("units", "summary"),
            (std::vector<std::string>{"", "h", "", "count"}));

  // One compound dataset whose string width is the longest value.
  h5::DatasetHandle ds(H5Dopen2(f.root().id(), "summary", H5P_DEFAULT));
  h5::DatatypeHandle type(H5Dget_type(ds.get()));
  EXPECT_EQ(H5Tget_class(type.get()), H5T_COMPOUND);
  EXPECT_EQ(H5Tget_nmembers(type.get()), 4);
  h5::DatatypeHandle policy(H5Tget_member_type(type.get(), 0));
  EXPECT_EQ(H5Tget_size(policy.get()), std::string("longest-name").size());
}

TEST_F(Hdf5Test, LargeTableRoundTrip) {
  h5::Table t;
  std::vector<double> x;
  std::vector<std::string> s;
  for (int i = 0; i < 10000; ++i) {
    x.push_back(i * 0.5);
    s.push_back("row" + std::to_string(i));
  }
  t.columns.push_back({"x", "h", x});
  t.columns.push_back({"s", "", s});
  {
    auto f = h5::File::create(path("t.h5"));
    f.root().write_table("big", t);
  }
  auto f = h5::File::open_read(path("t.h5"));
  const h5::Table back = f.root().read_table("big");
  ASSERT_EQ(back.columns.size(), 2u);
  EXPECT_EQ(std::get<std::vector<double>>(back.columns[0].values), x);
  EXPECT_EQ(std::get<std::vector<std::string>>(back.columns[1].values), s);
}

TEST_F(Hdf5Test, InvalidTablesAreRejected) {
  auto f = h5::File::create(path("t.h5"));
  auto root = f.root();
  EXPECT_TRUE(HasSubstr(error_of([&] { root.write_table("none", h5::Table{}); }), "column"));
  h5::Table ragged;
  ragged.columns.push_back({"a", "", std::vector<double>{1, 2}});
  ragged.columns.push_back({"b", "", std::vector<std::string>{"x"}});
  EXPECT_TRUE(HasSubstr(error_of([&] { root.write_table("ragged", ragged); }), "'b' has 1 rows"));
  h5::Table dup;
  dup.columns.push_back({"a", "", std::vector<double>{1}});
  dup.columns.push_back({"a", "", std::vector<double>{2}});
  EXPECT_TRUE(HasSubstr(error_of([&] { root.write_table("dup", dup); }), "duplicate"));
  EXPECT_TRUE(root.children().empty());
}

TEST_F(Hdf5Test, OpenReadMissingFileNamesThePath) {
  const std::string missing = path("does-not-exist.h5");
  const std::string message = error_of([&] { h5::File::open_read(missing); });
  EXPECT_TRUE(HasSubstr(message, missing));
  EXPECT_TRUE(HasSubstr(message, "no such file"));
  EXPECT_TRUE(HasSubstr(error_of([&] { h5::File::open_write(missing); }), missing));
}

TEST_F(Hdf5Test, OpenReadNonHdf5FileNamesThePath) {
  const std::string garbage = path("garbage.h5");
  std::ofstream(garbage) << "time,value\n1,2\nthis is not an HDF5 file\n";
  const std::string message = error_of([&] { h5::File::open_read(garbage); });
  EXPECT_TRUE(HasSubstr(message, garbage));
  EXPECT_TRUE(HasSubstr(message, "signature"));  // HDF5's own reason is passed on
}

TEST_F(Hdf5Test, OpenReadTruncatedFileFails) {
  const std::string file = path("cut.h5");
  {
    auto f = h5::File::create(file);
    f.root().write("x", std::vector<double>(1000, 1.0), "h");
  }
  fs::resize_file(file, fs::file_size(file) / 2);
  const std::string message = error_of([&] { h5::File::open_read(file); });
  EXPECT_TRUE(HasSubstr(message, file));
  EXPECT_TRUE(HasSubstr(message, "truncated"));
}

TEST_F(Hdf5Test, NestedCreateGroupAndHas) {
  {
    auto f = h5::File::create(path("g.h5"));
    auto root = f.root();
    auto c = root.create_group("a/b/c");
    c.write("x", std::vector<double>{1.0}, "h");
    root.open_group("a/b").create_group("d");
    root.write("data", std::vector<double>{1.0}, "h");
    EXPECT_TRUE(HasSubstr(error_of([&] { root.create_group("a/b"); }), "a/b"));
  }
  auto f = h5::File::open_read(path("g.h5"));
  auto root = f.root();
  EXPECT_TRUE(root.has("a"));
  EXPECT_TRUE(root.has("a/b"));
  EXPECT_TRUE(root.has("a/b/c"));
  EXPECT_TRUE(root.has("a/b/c/x"));
  EXPECT_TRUE(root.has("/a/b/d"));
  EXPECT_FALSE(root.has("x"));
  EXPECT_FALSE(root.has("a/x/y"));   // missing intermediate group: false, not an error
  EXPECT_FALSE(root.has("data/x"));  // a dataset has no children
  EXPECT_FALSE(root.has(""));
  EXPECT_EQ(root.open_group("a").open_group("b/c").read_doubles("x"), std::vector<double>{1.0});
  EXPECT_TRUE(HasSubstr(error_of([&] { root.open_group("a/x"); }), "a/x"));
}

TEST_F(Hdf5Test, ChildrenAreSortedAndDirect) {
  auto f = h5::File::create(path("c.h5"));
  auto root = f.root();
  root.create_group("zeta/inner");
  root.create_group("alpha");
  root.write("beta10", std::vector<double>{1.0}, "h");
  root.write("beta2", std::vector<std::int64_t>{1}, "count");
  root.create_group("Mid");
  EXPECT_EQ(root.children(), (std::vector<std::string>{"Mid", "alpha", "beta10", "beta2", "zeta"}));
  EXPECT_EQ(root.open_group("zeta").children(), std::vector<std::string>{"inner"});
  EXPECT_TRUE(root.open_group("alpha").children().empty());
}

TEST_F(Hdf5Test, OpenWriteAddsToExistingFile) {
  {
    auto f = h5::File::create(path("w.h5"));
    f.root().create_group("run0");
  }
  {
    auto f = h5::File::open_write(path("w.h5"));
    f.root().create_group("run1").set_attribute("seed", std::int64_t{2});
    // Appending still gets dense attribute storage for > 64 KiB of column names.
    std::vector<std::string> names;
    for (int c = 0; c < 5000; ++c)
      names.push_back("a_fairly_long_column_name_" + std::to_string(c));
    f.root().write_matrix("run1/wide", std::vector<double>(names.size(), 0.0), 1, names.size(), "1",
                          names);
    f.flush();
    f.close();
  }
  auto f = h5::File::open_read(path("w.h5"));
  EXPECT_EQ(f.root().children(), (std::vector<std::string>{"run0", "run1"}));
  EXPECT_EQ(f.root().int64_attribute("seed", "run1"), 2);
  // Read-only really is read-only.
  EXPECT_TRUE(HasSubstr(error_of([&] { f.root().create_group("run2"); }), "run2"));
}

TEST_F(Hdf5Test, NoHandleLeaksIncludingErrorPaths) {
  {
    auto f = h5::File::create(path("leak.h5"));
    auto root = f.root();
    root.create_group("g/h").set_attribute("s", "v");
    root.write("x", std::vector<double>(5000, 1.0), "h");
    root.write_matrix("m", std::vector<double>{1, 2}, 1, 2, "h", {"a", "b"});
    root.write_table("t", sample_table());
    EXPECT_THROW(root.write("x", std::vector<double>{1.0}, "h"), h5::Error);  // exists
    EXPECT_THROW(root.open_group("nope"), h5::Error);
    EXPECT_THROW(root.int64_attribute("s", "g/h"), h5::Error);
    EXPECT_GT(open_hdf5_objects(), 0);
  }
  EXPECT_EQ(open_hdf5_objects(), 0);

  auto f = h5::File::open_read(path("leak.h5"));
  {
    auto root = f.root();
    root.read_doubles("x");
    root.read_matrix("m");
    root.read_table("t");
    root.string_array_attribute("names", "m");
    root.children();
    EXPECT_FALSE(root.has("g/x/y"));
    EXPECT_FALSE(root.has("x/y"));
    EXPECT_THROW(root.read_matrix("x"), h5::Error);  // wrong rank
    EXPECT_THROW(root.read_table("x"), h5::Error);   // not compound
  }
  f.close();
  EXPECT_EQ(open_hdf5_objects(), 0);
}

herr_t count_prints(hid_t, void* counter) {
  ++*static_cast<int*>(counter);
  return 0;
}

TEST_F(Hdf5Test, SilencesErrorPrintingOnlyDuringItsOwnCalls) {
  H5E_auto2_t old_func = nullptr;
  void* old_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  int printed = 0;
  H5Eset_auto2(H5E_DEFAULT, count_prints, &printed);
  {
    auto f = h5::File::create(path("e.h5"));
    EXPECT_THROW(f.root().open_group("nope"), h5::Error);
    EXPECT_THROW(h5::File::open_read(path("nope.h5")), h5::Error);
    EXPECT_EQ(printed, 0);
    // Our handler is back in place for the caller's own raw calls.
    EXPECT_LT(H5Gopen2(f.id(), "nope", H5P_DEFAULT), 0);
    EXPECT_EQ(printed, 1);
  }
  H5Eset_auto2(H5E_DEFAULT, old_func, old_data);
}

// h5py must read the table as one numpy structured array (what pandas.DataFrame(...) takes).
TEST_F(Hdf5Test, PythonH5pyReadsTable) {
  std::string python;
  for (const char* candidate : {"python3", "/usr/bin/python3"}) {
    const std::string probe = std::string(candidate) + " -c 'import h5py, numpy' >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) {
      python = candidate;
      break;
    }
  }
  if (python.empty()) GTEST_SKIP() << "python3 with h5py not available";

  const std::string file = path("py.h5");
  {
    auto f = h5::File::create(file);
    f.root().write_table("summary", sample_table());
    f.root().write("latency", std::vector<double>{1.0}, "h");
  }
  const std::string script =
      "import sys, h5py\n"
      "f = h5py.File(sys.argv[1], \"r\")\n"
      "d = f[\"summary\"][()]\n"
      "print(\",\".join(d.dtype.names), d[\"policy\"][2].decode(), repr(float(d[\"mean\"][1])),\n"
      "      d[\"unit\"][0].decode(\"utf-8\"), \",\".join(f[\"summary\"].attrs[\"units\"]),\n"
      "      type(f[\"latency\"].attrs[\"units\"]).__name__, sep=\"|\")\n";
  const std::string command = python + " -c '" + script + "' '" + file + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[256];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
  ASSERT_EQ(::pclose(pipe), 0) << output;
  EXPECT_EQ(output, "policy,mean,unit,count|longest-name|-2.5|µs|,h,,count|str\n");
}

}  // namespace
}  // namespace goodsim::sim
