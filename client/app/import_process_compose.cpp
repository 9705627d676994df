// SPDX-License-Identifier: MIT
#include "client/app/import.hpp"
namespace bgo::app {
Result<AppSpec> import_process_compose(const std::string& path, const ImportOptions&) {
  return make_error(Errc::internal, path);
}
}  // namespace bgo::app
