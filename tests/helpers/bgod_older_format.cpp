// SPDX-License-Identifier: MIT
// bgod_older_format: the real bgod (daemon/main.cpp and the daemon library) built to read the
// hand-over format before this one. Linked in place of daemon/os/handover_version.cpp's
// definition (that archive member is then never pulled in), so the production bgod carries no
// test hook. Used by tests/integration/upgrade_test.cpp: an upgrade to it is refused by the
// check, and, started anyway behind a wrapper, it refuses the hand-over and execs the previous
// image back.
#include "daemon/os/handover.hpp"

namespace bgo::daemon {

uint32_t handover_version() { return k_handover_version - 1; }

}  // namespace bgo::daemon
