// SPDX-License-Identifier: MIT
// Probe targets as users type them: HOST:PORT and http:// URLs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/errors.hpp"

namespace bgo {

struct HostPort {
  std::string host;  // a name, an IPv4 address, or an IPv6 address without its brackets
  uint16_t port = 0;
};
// "localhost:8080", "127.0.0.1:80", "[::1]:80". Errors: invalid_params naming the text.
Result<HostPort> parse_host_port(std::string_view text);

struct HttpUrl {
  std::string host;
  uint16_t port = 80;
  std::string target = "/";  // path and query, as sent in the request line
  std::string host_header;   // "host[:port]" for the Host header
};
// "http://host[:port][/path][?query]". https is refused with a message saying so.
Result<HttpUrl> parse_http_url(std::string_view text);

}  // namespace bgo
