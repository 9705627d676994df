// SPDX-License-Identifier: MIT
// parse_host_port and parse_http_url: what they accept, how they split it, what they refuse.
#include "common/endpoint.hpp"

#include <gtest/gtest.h>

namespace bgo {
namespace {

std::string host_port_error(std::string_view text) {
  auto r = parse_host_port(text);
  EXPECT_FALSE(r) << text;
  if (r) return {};
  EXPECT_EQ(r.error().code, Errc::invalid_params);
  return r.error().message;
}

std::string url_error(std::string_view text) {
  auto r = parse_http_url(text);
  EXPECT_FALSE(r) << text;
  if (r) return {};
  EXPECT_EQ(r.error().code, Errc::invalid_params);
  return r.error().message;
}

TEST(ParseHostPort, NamesAndIpv4) {
  auto a = parse_host_port("localhost:8080");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->host, "localhost");
  EXPECT_EQ(a->port, 8080);
  auto b = parse_host_port("127.0.0.1:80");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "127.0.0.1");
  EXPECT_EQ(b->port, 80);
  auto c = parse_host_port("db-1.internal_net:65535");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->port, 65535);
}

TEST(ParseHostPort, Ipv6InBracketsLosesTheBrackets) {
  auto a = parse_host_port("[::1]:80");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 80);
  auto b = parse_host_port("[2001:db8::10]:5432");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "2001:db8::10");
  auto c = parse_host_port("[::ffff:127.0.0.1]:1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::ffff:127.0.0.1");
}

TEST(ParseHostPort, MissingPortIsNamed) {
  const std::string m = host_port_error("localhost");
  EXPECT_NE(m.find("'localhost'"), std::string::npos) << m;
  EXPECT_NE(m.find("missing port"), std::string::npos) << m;
  EXPECT_NE(host_port_error("localhost:").find("missing port"), std::string::npos);
  EXPECT_NE(host_port_error("[::1]").find("missing port"), std::string::npos);
}

TEST(ParseHostPort, InvalidPortsAreRefused) {
  for (const char* text :
       {"h:0", "h:65536", "h:99999", "h:123456", "h:-1", "h:80x", "h: 80", "h:+80", "h:0x50"}) {
    const std::string m = host_port_error(text);
    EXPECT_NE(m.find("port"), std::string::npos) << text << ": " << m;
  }
  EXPECT_NE(host_port_error("h:abc").find("invalid port 'abc'"), std::string::npos);
}

TEST(ParseHostPort, BadHostsAndBracketsAreRefused) {
  EXPECT_NE(host_port_error("").find("empty"), std::string::npos);
  EXPECT_NE(host_port_error(":80").find("missing host"), std::string::npos);
  EXPECT_NE(host_port_error("::1:80").find("brackets"), std::string::npos);
  EXPECT_NE(host_port_error("[::1:80").find("']'"), std::string::npos);
  EXPECT_NE(host_port_error("[::1]80").find("after ']'"), std::string::npos);
  EXPECT_NE(host_port_error("[]:80").find("IPv6"), std::string::npos);
  EXPECT_NE(host_port_error("[localhost]:80").find("IPv6"), std::string::npos);
  EXPECT_NE(host_port_error("a b:80").find("invalid host"), std::string::npos);
  EXPECT_NE(host_port_error("user@h:80").find("invalid host"), std::string::npos);
  EXPECT_NE(host_port_error("h/x:80").find("invalid host"), std::string::npos);
}

TEST(ParseHttpUrl, DefaultsPortAndPath) {
  auto u = parse_http_url("http://localhost");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->host, "localhost");
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->host_header, "localhost");
  auto v = parse_http_url("http://localhost/");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->target, "/");
}

TEST(ParseHttpUrl, PortPathAndQueryAreKept) {
  auto u = parse_http_url("http://127.0.0.1:8080/health/live?verbose=1&x=%20y");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/health/live?verbose=1&x=%20y");
  EXPECT_EQ(u->host_header, "127.0.0.1:8080");
  auto q = parse_http_url("http://h:81?ready");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->target, "/?ready");
  auto f = parse_http_url("http://h/a?b=1#frag");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->target, "/a?b=1");  // a fragment is not sent
  auto e = parse_http_url("HTTP://h:80/x");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host_header, "h");  // the default port is left out of Host
}

TEST(ParseHttpUrl, Ipv6KeepsBracketsInTheHostHeaderOnly) {
  auto u = parse_http_url("http://[::1]:9000/ping");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9000);
  EXPECT_EQ(u->target, "/ping");
  EXPECT_EQ(u->host_header, "[::1]:9000");
  auto d = parse_http_url("http://[::1]");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, 80);
  EXPECT_EQ(d->host_header, "[::1]");
}

TEST(ParseHttpUrl, HttpsIsRefusedWithAClearMessage) {
  const std::string m = url_error("https://example.com/health");
  EXPECT_NE(m.find("'https://example.com/health'"), std::string::npos) << m;
  EXPECT_NE(m.find("https is not supported"), std::string::npos) << m;
  EXPECT_NE(m.find("TLS"), std::string::npos) << m;
  EXPECT_NE(url_error("HTTPS://x").find("https is not supported"), std::string::npos);
}

TEST(ParseHttpUrl, OtherMistakesAreRefused) {
  EXPECT_NE(url_error("localhost:8080/x").find("must start with http://"), std::string::npos);
  EXPECT_NE(url_error("ftp://h/").find("must start with http://"), std::string::npos);
  EXPECT_NE(url_error("http://").find("missing host"), std::string::npos);
  EXPECT_NE(url_error("http:///x").find("missing host"), std::string::npos);
  EXPECT_NE(url_error("http://h:0/").find("invalid port"), std::string::npos);
  EXPECT_NE(url_error("http://h:/").find("missing port"), std::string::npos);
  EXPECT_NE(url_error("http://h:x/").find("invalid port"), std::string::npos);
  EXPECT_NE(url_error("http://u:p@h/").find("credentials"), std::string::npos);
  EXPECT_NE(url_error("http://::1/").find("brackets"), std::string::npos);
  // Nothing that could break the request line gets through.
  EXPECT_NE(url_error("http://h/a b").find("space"), std::string::npos);
  EXPECT_NE(url_error("http://h/a\r\nX-Evil: 1").find("control"), std::string::npos);
  EXPECT_NE(url_error("http://h/\xc3\xa9").find("non-ASCII"), std::string::npos);
}

}  // namespace
}  // namespace bgo
