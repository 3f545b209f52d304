#pragma once
// Reading `recovery:`: the strategy and the parameters of every strategy.
//
// The strategies' semantics live in the replication's state machine (models/replication.cpp,
// docs/model.md); this folder holds what each strategy needs besides: its parameters, checked
// against the cluster and job, and its own pieces (shard_map.h for checkpointless). To add a
// strategy: a Strategy value in scenario.h, a reader file here, a line in strategy.cpp's
// table, and its phases in the replication.

#include "models/scenario.h"
#include "sim/config.h"

namespace goodsim::models {

// `node` may be null (no recovery section: hot spares, all times zero).
RecoverySpec read_recovery(const sim::ConfigNode* node, const ClusterSpec& cluster,
                           const JobSpec& job);

// The readers of each strategy's own section; each checks what it needs of cluster and job.
CheckpointlessSpec read_checkpointless(const sim::ConfigNode& node, const ClusterSpec& cluster);
ElasticSpec read_elastic(const sim::ConfigNode& node, const ClusterSpec& cluster);

// Hours from a data size and a link speed: `state_gb` gigabytes over `p2p_gbps` Gbit/s.
double transfer_hours(double gigabytes, double gbit_per_s);

}  // namespace goodsim::models
