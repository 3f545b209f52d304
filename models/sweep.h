#pragma once
// Sweeps: the `sweep:` block of a scenario and the points it expands to (docs/sweeps.md).
//
//   sweep:
//     cluster.failure.node_mtbf: [1500h, 3690h, 9000h]   # one axis
//     cluster.spares: [0, 4, 8, 16, 32]                  # another axis
//     zip:                                               # keys that vary together: one axis
//       - {checkpoint.interval: [10min, 30min], checkpoint.write: [1min, 2min]}
//
// The points are the cartesian product of the axes, in the order they are written, the first
// axis varying slowest (nested loops); a `zip:` group takes the place of the `zip` key. A
// point's scenario is the base document (after --set) with the swept values set, validated by
// scenario_from_config; every swept value keeps its location in the sweep block, so a bad value
// is reported at its own line there. Pure: no I/O beyond what the caller loaded.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "models/scenario.h"
#include "sim/config.h"

namespace goodsim::models {

// How the values of one swept key are stored in results: as integers, real numbers, durations
// in hours, or (if they are not all of one numeric kind) as the text written in the scenario.
enum class SweepValueKind { kInteger, kNumber, kHours, kText };

struct SweepKey {
  std::string path;                     // "cluster.failure.node_mtbf"
  sim::SourceLocation where;            // the key in the sweep block
  std::vector<sim::ConfigNode> values;  // scalars, each with its location in the sweep block
  SweepValueKind kind = SweepValueKind::kText;
};

// One dimension of the cartesian product: a single key, or a zip group of keys with equally
// many values that vary together.
struct SweepAxis {
  std::vector<SweepKey> keys;
  std::size_t size() const { return keys.empty() ? 0 : keys.front().values.size(); }
};

struct SweepSpec {
  std::vector<SweepAxis> axes;  // first axis varies slowest

  bool empty() const { return axes.empty(); }
  std::size_t point_count() const;            // product of the axis sizes (0 without axes)
  std::vector<const SweepKey*> keys() const;  // every key, axis by axis
  // Text that identifies the sweep (keys and value texts in order), for fingerprints.
  std::string canonical() const;
};

// A sweep's points are validated and held in memory up front, and each is at least one HDF5
// group; past this many a sweep is surely a mistake (and a count of 2^64 would wrap to 0).
constexpr std::size_t kMaxSweepPoints = 100000;

// Reads root["sweep"]; an empty spec if the document has none. Throws sim::InputError at the
// offending place for: a block that is not a non-empty map, a value that is not a list (a map
// is read as nested keys, so `cluster: {spares: [0, 4]}` means `cluster.spares: [0, 4]`), an
// empty list, a value that is not a scalar, zip lists of different lengths, a key swept twice
// or inside another swept key, a malformed key path, and keys that cannot be swept
// (montecarlo.*: every point shares replications and seed; sweep, extends), and more than
// kMaxSweepPoints points.
SweepSpec read_sweep(const sim::ConfigNode& root);

// The value index on each axis of point `index` (mixed radix, the last axis fastest).
std::vector<std::size_t> point_coordinates(const SweepSpec& spec, std::size_t index);

// One swept value of one point, as stored in results.
struct SweepParameter {
  std::string name;  // the key path
  std::variant<std::int64_t, double, std::string> value;
  std::string units;  // "h" for durations, otherwise empty
  std::string text;   // as written in the sweep block
};

// The parameters of point `index`, one per key in SweepSpec::keys() order.
std::vector<SweepParameter> point_parameters(const SweepSpec& spec, std::size_t index);

// The base document without its sweep block and with point `index`'s values set. Missing
// intermediate maps are created (located at the sweep key). Throws sim::InputError at the
// sweep key if a path runs through a scalar or a missing list item.
sim::ConfigNode point_config(const sim::ConfigNode& root, const SweepSpec& spec, std::size_t index);

struct SweepPoint {
  std::size_t index = 0;
  std::vector<SweepParameter> parameters;
  Scenario scenario;
};

// Every point, each validated by scenario_from_config, before anything is simulated. A
// rejection is rethrown with the point's values appended; an unknown swept key is reported at
// the key's line in the sweep block. Throws sim::InputError if the document has no sweep.
std::vector<SweepPoint> expand_sweep(const sim::ConfigNode& root, const SweepSpec& spec,
                                     const std::string& source_file);

}  // namespace goodsim::models
