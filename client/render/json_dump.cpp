// SPDX-License-Identifier: MIT
// How the client prints decoded JSON values the way the Python bgo printed them.
#include "client/render/json_dump.hpp"

#include <boost/json.hpp>

#include "proto/python_json.hpp"

namespace bgo::client {

std::string python_str(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "None";
    case boost::json::kind::bool_:
      return v.get_bool() ? "True" : "False";
    case boost::json::kind::string:
      return std::string{v.get_string()};
    case boost::json::kind::double_:
      return proto::python_float_repr(v.get_double());
    default:
      return proto::python_json_compact(v);
  }
}

bool python_truthy(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return false;
    case boost::json::kind::bool_:
      return v.get_bool();
    case boost::json::kind::int64:
      return v.get_int64() != 0;
    case boost::json::kind::uint64:
      return v.get_uint64() != 0;
    case boost::json::kind::double_:
      return v.get_double() != 0.0;
    case boost::json::kind::string:
      return !v.get_string().empty();
    case boost::json::kind::array:
      return !v.get_array().empty();
    case boost::json::kind::object:
      return !v.get_object().empty();
  }
  return false;
}

}  // namespace bgo::client
