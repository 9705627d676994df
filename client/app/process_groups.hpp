// SPDX-License-Identifier: MIT
// Instances grouped back: the processes NAME:0 .. NAME:N-1 that `instances: N` expanded, as one
// entry again (for `bgo import`'s bgo.yaml and for `bgo export`), and the environment every
// entry shares.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "client/app/app_spec.hpp"

namespace bgo::app {

// A run of processes written as one entry.
struct ProcessGroup {
  const ProcessSpec* first = nullptr;  // instance 0 (or the process itself); points into the app
  std::string name;                    // "api" for api:0 and api:1; else the process's name
  int instances = 1;
  bool port_offset = false;  // instance i has PORT = instance 0's PORT + i
};

// The processes of `app` in order, a run NAME:0 .. NAME:N-1 (N >= 2) that differ only in
// BGO_INSTANCE (and PORT by the index) as one group. The groups point into `app`.
std::vector<ProcessGroup> group_instances(const AppSpec& app);

// Instance name ("api:1") -> its group's name ("api"), for the groups of two or more.
std::map<std::string, std::string> group_of_instances(const std::vector<ProcessGroup>& groups);

// The variables every group has with the same value, when there are two groups or more (else
// none): never BGO_INSTANCE, nor PORT when a group offsets it.
std::map<std::string, std::string> shared_env(const std::vector<ProcessGroup>& groups);

}  // namespace bgo::app
