// SPDX-License-Identifier: MIT
// parse_host_port, parse_http_url: strict by hand, so what reaches a request line is known safe.
#include "common/endpoint.hpp"

#include <optional>

namespace bgo {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// A host name or an IPv4 address: the characters of DNS labels (plus '_', which some local
// names use). Anything else (a space, '/', '@', '%') is a typo or an injection attempt.
bool is_valid_name_host(std::string_view host) {
  if (host.empty()) return false;
  for (const char c : host) {
    if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

// The inside of "[...]": hex digits, ':' and '.' (an embedded IPv4), with at least one ':'.
// Zone ids ("fe80::1%eth0") are not accepted.
bool is_valid_ipv6(std::string_view host) {
  if (host.find(':') == std::string_view::npos) return false;
  for (const char c : host) {
    if (!is_hex(c) && c != ':' && c != '.') return false;
  }
  return true;
}

std::optional<uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (const char c : text) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

struct Authority {
  std::string host;  // IPv6 without its brackets
  std::optional<uint16_t> port;
  bool ipv6 = false;
};

// "host", "host:port", "[v6]", "[v6]:port". On failure, the reason (without the text).
Result<Authority> parse_authority(std::string_view text) {
  Authority out;
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return make_error(Errc::invalid_params, "missing ']'");
    const std::string_view host = text.substr(1, close - 1);
    if (!is_valid_ipv6(host)) {
      return make_error(Errc::invalid_params,
                        "invalid IPv6 address '" + std::string(host) + "' between the brackets");
    }
    out.host = host;
    out.ipv6 = true;
    rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      return make_error(Errc::invalid_params, "expected ':' and a port after ']'");
    }
  } else {
    const size_t colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) != std::string_view::npos) {
      return make_error(Errc::invalid_params, "an IPv6 address goes in brackets, as in [::1]:8080");
    }
    const std::string_view host = text.substr(0, colon);
    if (host.empty()) return make_error(Errc::invalid_params, "missing host");
    if (!is_valid_name_host(host)) {
      return make_error(Errc::invalid_params, "invalid host '" + std::string(host) + "'");
    }
    out.host = host;
    if (colon != std::string_view::npos) rest = text.substr(colon);
  }
  if (rest.empty()) return out;
  const std::string_view port_text = rest.substr(1);  // after ':'
  if (port_text.empty()) return make_error(Errc::invalid_params, "missing port after ':'");
  out.port = parse_port(port_text);
  if (!out.port) {
    return make_error(Errc::invalid_params,
                      "invalid port '" + std::string(port_text) + "' (a number from 1 to 65535)");
  }
  return out;
}

Error endpoint_error(std::string_view what, std::string_view text, const std::string& why) {
  return make_error(Errc::invalid_params,
                    "invalid " + std::string(what) + " '" + std::string(text) + "': " + why);
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

Result<HostPort> parse_host_port(std::string_view text) {
  if (text.empty()) return endpoint_error("HOST:PORT", text, "it is empty");
  auto authority = parse_authority(text);
  if (!authority) return endpoint_error("HOST:PORT", text, authority.error().message);
  if (!authority->port) {
    return endpoint_error("HOST:PORT", text,
                          "missing port (HOST:PORT, as in localhost:8080 or [::1]:8080)");
  }
  return HostPort{std::move(authority->host), *authority->port};
}

Result<HttpUrl> parse_http_url(std::string_view text) {
  // Checked first, on the whole text: a space or CR/LF would end up in the request line.
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return endpoint_error("URL", text,
                            "it contains a space, a control or a non-ASCII character "
                            "(percent-encode it)");
    }
  }
  constexpr std::string_view k_scheme = "http://";
  if (starts_with_nocase(text, "https://")) {
    return endpoint_error("URL", text,
                          "https is not supported: bgod's HTTP probes speak plain HTTP (no TLS); "
                          "probe an http:// address, or check the port with a tcp probe");
  }
  if (!starts_with_nocase(text, k_scheme)) {
    return endpoint_error("URL", text, "it must start with http://");
  }
  std::string_view rest = text.substr(k_scheme.size());
  rest = rest.substr(0, rest.find('#'));  // a fragment is never sent
  const size_t path_at = rest.find_first_of("/?");
  const std::string_view authority_text = rest.substr(0, path_at);
  if (authority_text.find('@') != std::string_view::npos) {
    return endpoint_error("URL", text, "credentials (user@) are not supported");
  }
  if (authority_text.empty()) return endpoint_error("URL", text, "missing host");
  auto authority = parse_authority(authority_text);
  if (!authority) return endpoint_error("URL", text, authority.error().message);

  HttpUrl url;
  url.host = authority->host;
  url.port = authority->port.value_or(80);
  const std::string_view target =
      path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at);
  url.target =
      target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
  url.host_header = authority->ipv6 ? "[" + url.host + "]" : url.host;
  if (url.port != 80) url.host_header += ":" + std::to_string(url.port);
  return url;
}

}  // namespace bgo
