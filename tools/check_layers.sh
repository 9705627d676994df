#!/usr/bin/env bash
# Fails when a layer includes what it must not (docs/architecture.md, style §2).
set -u
cd "$(dirname "$0")/.." || exit 1
status=0
check() {  # check DIR PATTERN WHY
  local hits
  hits=$(grep -rnE "$2" "$1" --include='*.cpp' --include='*.hpp' 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layer violation ($3):"
    echo "$hits"
    status=1
  fi
}
check client '#include "daemon/' 'client/ must not include daemon/'
check daemon '#include "client/' 'daemon/ must not include client/'
check common '#include "(proto|daemon|client)/' 'common/ includes only std and Boost.System'
check proto '#include "(daemon|client)/' 'proto/ must not include daemon/ or client/'
check proto 'boost/asio' 'proto/ has no sockets and no Asio'
check daemon/core 'boost/asio|boost/json|#include "daemon/(os|rpc)/|#include "proto/' 'daemon/core: no Asio, no JSON, no adapters'
check daemon/os '#include "daemon/rpc/' 'daemon/os must not include daemon/rpc'
check daemon/rpc '#include "daemon/os/(posix_process|log_sink|state_store|asio_timer)' 'daemon/rpc calls core, not os'
if [ "$status" -eq 0 ]; then echo "layers ok"; fi
exit "$status"
