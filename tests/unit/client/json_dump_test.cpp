// SPDX-License-Identifier: MIT
// Tests for python_str / python_truthy (how the detail view prints JSON values).
#include "client/render/json_dump.hpp"

#include <cmath>
#include <limits>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "proto/python_json.hpp"

namespace bgo::client {
namespace {

namespace json = boost::json;

TEST(PythonStr, Scalars) {
  EXPECT_EQ(python_str(nullptr), "None");
  EXPECT_EQ(python_str(true), "True");
  EXPECT_EQ(python_str(false), "False");
  EXPECT_EQ(python_str(json::string("caf\u00e9")), "caf\u00e9");
  EXPECT_EQ(python_str(42), "42");
  EXPECT_EQ(python_str(2.0), "2.0");
  EXPECT_EQ(proto::python_float_repr(std::nan("")), "nan");
  EXPECT_EQ(proto::python_float_repr(HUGE_VAL), "inf");
  EXPECT_EQ(proto::python_float_repr(123456789.125), "123456789.125");
  EXPECT_EQ(proto::python_float_repr(5e-324), "5e-324");
}

TEST(PythonTruthy, FollowsPython) {
  EXPECT_FALSE(python_truthy(nullptr));
  EXPECT_FALSE(python_truthy(0));
  EXPECT_FALSE(python_truthy(json::string("")));
  EXPECT_FALSE(python_truthy(json::array{}));
  EXPECT_TRUE(python_truthy(json::string("0")));
  EXPECT_TRUE(python_truthy(7));
  EXPECT_TRUE(python_truthy(json::parse(R"({"a": 1})")));
}

}  // namespace
}  // namespace bgo::client
