#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A small bgo client: JSON-RPC 2.0 over bgod's Unix socket, Python 3 standard library only.

Usage:
    python3 docs/examples/bgo_client.py                 # hello + list: a NAME/STATUS/PID table
    python3 docs/examples/bgo_client.py --events        # ... then print every event until Ctrl-C
    python3 docs/examples/bgo_client.py call METHOD ['{"json": "params"}']
                                                        # one call; prints the JSON result

The socket is $BGO_HOME/bgo.sock, or ~/.bgo/bgo.sock when BGO_HOME is unset or empty
(--socket PATH overrides both). This script never starts bgod: when nothing listens there
it says so on stderr and exits 1. A JSON-RPC error makes `call` print the error on stderr
and exit 1; bad command-line usage exits 2. Ctrl-C ends --events with exit status 0.

The protocol is described in docs/protocol.md. As a library:

    from bgo_client import BgoClient, BgoError
    with BgoClient() as bgo:
        print(bgo.call("hello"))
        try:
            bgo.call("stop", {"name": "web"})
        except BgoError as e:
            print(e.code, e.kind, e.message)
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import socket
import sys
import time
from typing import Any, Deque, Dict, Optional

PROTOCOL = 1  # the `protocol` this script was written against (see `hello`)


class BgoError(Exception):
    """A JSON-RPC error object returned by bgod.

    `code` is the JSON-RPC code (-32700..-32600 standard, -32001..-32008 bgo's), `message`
    the human text, and `data` the optional `data` member: for bgo's own errors an object
    {"kind": "no_such_process", "detail": "..."}.
    """

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.data = data

    @property
    def kind(self) -> Optional[str]:
        """`data.kind` ("no_such_process", "spawn_failed", ...) or None."""
        if isinstance(self.data, dict) and isinstance(self.data.get("kind"), str):
            return self.data["kind"]
        return None


class BgoConnectionError(Exception):
    """The socket is missing, refused, closed, or bgod did not answer in time."""


def default_socket_path() -> str:
    """$BGO_HOME/bgo.sock, or ~/.bgo/bgo.sock (as bgo and bgod compute it)."""
    home = os.environ.get("BGO_HOME", "")
    if home:
        if not os.path.isabs(home):
            raise BgoConnectionError(f"BGO_HOME must be an absolute path (got '{home}')")
        return os.path.join(os.path.normpath(home), "bgo.sock")
    return os.path.join(os.path.expanduser("~"), ".bgo", "bgo.sock")


class BgoClient:
    """One connection to bgod.

    `call()` sends one request and waits for the response with the same id. Notifications
    (`event`, `log`) that arrive meanwhile are queued; `next_notification()` returns them
    in order. Responses to other ids are ignored. Not thread-safe.
    """

    def __init__(self, path: Optional[str] = None, timeout: float = 30.0) -> None:
        self.path = path or default_socket_path()
        self.timeout = timeout
        self.notifications: Deque[Dict[str, Any]] = collections.deque()
        self._buffer = b""
        self._next_id = 1
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._sock.connect(self.path)
        except FileNotFoundError:
            self._sock.close()
            raise BgoConnectionError(f"no bgod socket at {self.path} (is bgod running?)") from None
        except ConnectionRefusedError:
            self._sock.close()
            raise BgoConnectionError(
                f"nothing listens on {self.path} (stale socket: bgod is not running)") from None
        except OSError as e:
            self._sock.close()
            raise BgoConnectionError(f"cannot connect to {self.path}: {e.strerror}") from None

    # -- plumbing ------------------------------------------------------------------------

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> "BgoClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _send(self, message: Dict[str, Any]) -> None:
        line = json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n"
        try:
            self._sock.sendall(line.encode("utf-8"))
        except OSError as e:
            raise BgoConnectionError(f"cannot talk to bgod: {e.strerror or e}") from None

    def _read_message(self, deadline: Optional[float]) -> Dict[str, Any]:
        """The next JSON object from the socket. Raises BgoConnectionError on EOF/timeout."""
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                raw, self._buffer = self._buffer[:newline], self._buffer[newline + 1:]
                if not raw.strip():
                    continue
                # bgod may relay child output that is not valid UTF-8: never fail on it.
                text = raw.decode("utf-8", errors="replace")
                try:
                    message = json.loads(text)
                except ValueError:
                    raise BgoConnectionError(f"unparsable line from bgod: {text[:200]!r}") from None
                if isinstance(message, dict):
                    return message
                continue  # a batch response (we never send batches) or a stray value
            if deadline is None:
                self._sock.settimeout(None)
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BgoConnectionError("bgod did not answer in time")
                self._sock.settimeout(left)
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                raise BgoConnectionError("bgod did not answer in time") from None
            except OSError as e:
                raise BgoConnectionError(f"cannot read from bgod: {e.strerror or e}") from None
            if not chunk:
                raise BgoConnectionError("bgod closed the connection")
            self._buffer += chunk

    # -- API -----------------------------------------------------------------------------

    def call(self, method: str, params: Any = None, timeout: Optional[float] = None) -> Any:
        """Calls `method` and returns its `result`; raises BgoError for an error response.

        `params` is normally a dict (bgod accepts only by-name params); None omits it.
        `timeout` defaults to the client's; a `stop` waits for the process to exit (the
        SIGTERM grace is 5 s by default) and a `start` for its 100 ms probe.
        """
        request_id = self._next_id
        self._next_id += 1
        message: Dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit if limit else None
        while True:
            reply = self._read_message(deadline)
            if "method" in reply and "id" not in reply:
                self.notifications.append(reply)
                continue
            reply_id = reply.get("id")
            error = reply.get("error")
            # An error with id null answers a request bgod could not read (parse error,
            # invalid request, line over 1 MiB): with one call in flight, it is ours.
            if reply_id == request_id or (reply_id is None and isinstance(error, dict)):
                if isinstance(error, dict):
                    raise BgoError(int(error.get("code", -32603)), str(error.get("message", "")),
                                   error.get("data"))
                return reply.get("result")

    def notify(self, method: str, params: Any = None) -> None:
        """Sends a JSON-RPC notification (no id): bgod runs it and sends no response."""
        message: Dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)

    def next_notification(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """The next queued or incoming notification, as {"method": ..., "params": {...}}.

        Blocks (forever when `timeout` is None); raises BgoConnectionError on EOF/timeout.
        """
        if self.notifications:
            return self.notifications.popleft()
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            message = self._read_message(deadline)
            if "method" in message and "id" not in message:
                return message

    def subscribe(self) -> None:
        self.call("subscribe")

    def follow(self, name: Optional[str] = None, names: Optional[list] = None,
               all: bool = False, lines: Optional[int] = None) -> Any:
        """Starts `log` notifications for one process, several (`names`) or every one
        (`all`, those started later too); with `lines`, returns the last lines first."""
        params: Dict[str, Any] = {}
        if all:
            params["all"] = True
        elif names is not None:
            params["names"] = list(names)
        else:
            params["name"] = name
        if lines is not None:
            params["lines"] = lines
        return self.call("follow", params)

    def unfollow(self, name: Optional[str] = None, names: Optional[list] = None,
                 all: bool = False) -> None:
        if all:
            self.call("unfollow", {"all": True})
        elif names is not None:
            self.call("unfollow", {"names": list(names)})
        else:
            self.call("unfollow", {"name": name})


# -- command line ------------------------------------------------------------------------


def print_table(processes: list) -> None:
    rows = [("NAME", "STATUS", "PID")]
    for p in processes:
        # A stopped row still carries its last pid; it means nothing any more, so show "-".
        pid = p.get("pid") if p.get("status") == "online" else None
        rows.append((str(p.get("name", "?")), str(p.get("status", "?")),
                     "-" if pid is None else str(pid)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}".rstrip())


def format_event(params: Dict[str, Any]) -> str:
    parts = [time.strftime("%H:%M:%S"), str(params.get("kind", "?")), str(params.get("name", "?"))]
    for key in ("pid", "exit_code", "exit_signal", "delay_ms"):
        if params.get(key) is not None:
            parts.append(f"{key}={params[key]}")
    if params.get("reason"):
        parts.append(f"reason={params['reason']!r}")
    return " ".join(parts)


def show(client: BgoClient, events: bool, raw: bool) -> int:
    hello = client.call("hello")
    if hello.get("protocol") != PROTOCOL:
        print(f"bgo_client: warning: bgod speaks protocol {hello.get('protocol')}, "
              f"this script knows {PROTOCOL}", file=sys.stderr)
    listing = client.call("list")
    print_table(listing.get("processes", []))
    for broken in listing.get("broken", []):
        print(f"bgo_client: broken state file {broken.get('file')}: {broken.get('error')}",
              file=sys.stderr)
    if not events:
        return 0
    client.subscribe()
    print(f"-- bgod {hello.get('version')} (pid {hello.get('pid')}): "
          "waiting for events, Ctrl-C to stop", file=sys.stderr)
    sys.stdout.flush()
    while True:
        note = client.next_notification()
        if note.get("method") != "event":
            continue  # unknown notification kinds are ignored (docs/protocol.md, Versioning)
        params = note.get("params") or {}
        print(json.dumps(params) if raw else format_event(params), flush=True)


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bgo_client.py",
        usage="%(prog)s [--socket PATH] [--timeout SECONDS] [--events [--json]]\n"
              "       %(prog)s [--socket PATH] [--timeout SECONDS] call METHOD [PARAMS]",
        description="Talk to bgod over its Unix socket (JSON-RPC 2.0, one JSON text per line).")
    parser.add_argument("--socket", metavar="PATH",
                        help="socket path (default: $BGO_HOME/bgo.sock or ~/.bgo/bgo.sock)")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                        help="how long to wait for each response (default 30; 0 = forever)")
    parser.add_argument("--events", action="store_true",
                        help="after the table, subscribe and print each event until Ctrl-C")
    parser.add_argument("--json", action="store_true",
                        help="with --events: print each event's params as one JSON line")
    parser.add_argument("command", nargs="*", metavar="call METHOD [PARAMS]",
                        help="call one method; PARAMS is a JSON text (normally an object)")
    args = parser.parse_args(argv)

    params: Any = None
    method: Optional[str] = None
    if args.command:
        if args.command[0] != "call" or len(args.command) not in (2, 3):
            parser.error("expected: call METHOD ['{\"json\": \"params\"}']")
        method = args.command[1]
        if len(args.command) == 3:
            try:
                params = json.loads(args.command[2])
            except ValueError as e:
                parser.error(f"PARAMS is not valid JSON: {e}")

    try:
        with BgoClient(args.socket, timeout=args.timeout) as client:
            if method is not None:
                result = client.call(method, params)
                print(json.dumps(result, indent=2))
                return 0
            return show(client, args.events, args.json)
    except BgoError as e:
        detail = f" ({e.kind})" if e.kind else ""
        print(f"bgo_client: error {e.code}{detail}: {e.message}", file=sys.stderr)
        if e.data is not None:
            print(f"bgo_client: data: {json.dumps(e.data)}", file=sys.stderr)
        return 1
    except BgoConnectionError as e:
        print(f"bgo_client: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
