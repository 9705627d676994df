// SPDX-License-Identifier: MIT
// The hand-over format of this binary, alone in its file: a test build links its own instead.
#include "daemon/os/handover.hpp"

namespace bgo::daemon {

uint32_t handover_version() { return k_handover_version; }

}  // namespace bgo::daemon
