#pragma once
// ReplicationResult as bytes, to hand results between the ranks of an MPI run
// (sim/process_group.h). Bit for bit: a result read back compares equal in every field, so
// a run spread over ranks gives the same figures as a single process. Both ends are the same
// binary, so the encoding is native (byte order, widths) and has no version.

#include <span>
#include <vector>

#include "models/replication_result.h"
#include "sim/process_group.h"

namespace goodsim::models {

sim::Bytes to_bytes(std::span<const ReplicationResult> results);

// Throws std::runtime_error for bytes that to_bytes did not write (truncated, trailing data).
std::vector<ReplicationResult> results_from_bytes(std::span<const std::byte> bytes);

// Every rank's `mine`, concatenated in rank order, on every rank. Called by all ranks together.
std::vector<ReplicationResult> all_gather_results(const sim::ProcessGroup& group,
                                                  std::span<const ReplicationResult> mine);

// Every rank's `mine`, concatenated in rank order, on the root only (empty on the others):
// how stream_replications brings each block to the rank that writes it. Called by all ranks
// together.
std::vector<ReplicationResult> gather_results(const sim::ProcessGroup& group,
                                              std::span<const ReplicationResult> mine);

}  // namespace goodsim::models
