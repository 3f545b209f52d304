// Why: what makes two sweeps the same, hashed into the fingerprint their parts carry.
#include "cli/sweep_fingerprint.h"

#include <cstdio>
#include <map>

#include "goodsim/version.h"

namespace goodsim::cli {

std::string input_files_digest(std::span<const models::SweepPoint> points) {
  std::string out;
  std::map<std::string, std::string> by_file;  // a trace shared by points is hashed once
  for (const models::SweepPoint& p : points) {
    const auto& trace = p.scenario.cluster.failure.trace;
    if (!trace) continue;
    auto [it, fresh] = by_file.try_emplace(trace->file);
    if (fresh) {
      // What the replications use: every failure's time (exact bits), slot and cause.
      Sha256 sha;
      for (const models::TraceFailure& f : trace->failures) {
        char row[64];
        std::snprintf(row, sizeof row, "%a,%lld,", f.time_h, static_cast<long long>(f.node));
        sha.update(row);
        if (f.cause >= 0) sha.update(trace->causes[static_cast<std::size_t>(f.cause)]);
        sha.update("\n");
      }
      it->second = sha.hex();
    }
    out += "point " + std::to_string(p.index) + " trace " + it->second + "\n";
  }
  return out;
}

std::string sweep_fingerprint(const sim::ConfigNode& root, const models::SweepSpec& spec,
                              std::int64_t replications, std::uint64_t seed, bool recovery_times,
                              std::string_view input_files,
                              const std::optional<models::PrecisionTarget>& precision) {
  sim::ConfigNode base = root;
  base.erase("sweep");
  // 2: the content of the files the scenario reads, and the /summary column `unfinished`
  // (parts of version 1 lack it, so they are refused rather than mixed).
  std::string text = "goodsim-sweep-fingerprint-2\nversion " + std::string(kVersion) + "\n";
  text += "inputs " + std::to_string(input_files.size()) + "\n" + std::string(input_files);
  const std::string yaml = sim::to_yaml(base);
  text += "scenario " + std::to_string(yaml.size()) + "\n" + yaml;
  text += spec.canonical();
  text += "replications " + std::to_string(replications) + "\nseed " + std::to_string(seed) + "\n";
  // Only when set, so sweeps without it keep the fingerprints of earlier versions' parts.
  if (recovery_times) text += "recovery_times\n";
  if (precision) {
    char target[200];
    std::snprintf(target, sizeof target, "precision %s %.17g min %lld max %lld estimator %s\n",
                  std::string(models::to_string(precision->metric)).c_str(), precision->half_width,
                  static_cast<long long>(precision->min_replications),
                  static_cast<long long>(precision->max_replications),
                  precision->estimator == models::Estimator::kControl ? "control" : "plain");
    text += target;
  }
  return sha256_hex(text);
}

}  // namespace goodsim::cli
