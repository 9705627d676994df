// SPDX-License-Identifier: MIT
// pm2 ecosystem files (.config.js/.cjs/.mjs through node, .json, .yaml): each app as pm2
// would start it (lib/Common.js, lib/God/ForkMode.js): interpreter by extension, SIGINT then
// SIGKILL after kill_timeout, autorestart, instances.
#include <filesystem>
#include <regex>
#include <set>
#include <yaml-cpp/yaml.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "client/app/import.hpp"
#include "client/app/import_node.hpp"
#include "client/app/import_pm2_app.hpp"
#include "client/app/import_util.hpp"
#include "client/app/import_yaml.hpp"

namespace bgo::app {

namespace json = boost::json;

namespace {

bool ends_with(const std::string& text, std::string_view suffix) { return text.ends_with(suffix); }

// js-yaml's core schema: plain true/false/null and numbers are typed, the rest are strings.
// NOLINTNEXTLINE(misc-no-recursion): bounded by `depth`
json::value yaml_to_json(const YAML::Node& node, int depth) {
  if (depth > 64 || !node.IsDefined() || node.IsNull()) return nullptr;
  if (node.IsSequence()) {
    json::array out;
    for (const auto& item : node) out.push_back(yaml_to_json(item, depth + 1));
    return out;
  }
  if (node.IsMap()) {
    json::object out;
    for (const auto& entry : node) {
      if (entry.first.IsScalar()) out[entry.first.Scalar()] = yaml_to_json(entry.second, depth + 1);
    }
    return out;
  }
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return json::string(text);  // quoted
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  static const std::regex k_int("[-+]?[0-9]+");
  static const std::regex k_float("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
  if (std::regex_match(text, k_int) && text.size() < 16) return std::stoll(text);
  if (std::regex_match(text, k_float)) return std::stod(text);
  return json::string(text);
}

Result<json::value> read_config(const std::string& path, const ImportOptions& options) {
  if (ends_with(path, ".js") || ends_with(path, ".cjs") || ends_with(path, ".mjs")) {
    auto text = evaluate_js_module(path, options.node, import_environment(options));
    if (!text) return text.error();
    boost::system::error_code ec;
    json::value value = json::parse(*text, ec);
    if (ec)
      return make_error(Errc::invalid_params, path + ": node printed no JSON: " + ec.message());
    return value;
  }
  auto text = read_text_file(path);
  if (!text) return text.error();
  if (ends_with(path, ".yaml") || ends_with(path, ".yml")) {
    auto node = load_yaml(*text, path);
    if (!node) return node.error();
    return yaml_to_json(*node, 0);
  }
  // pm2 evaluates a .json file as a JavaScript expression: comments and trailing commas pass.
  json::parse_options relaxed;
  relaxed.allow_comments = true;
  relaxed.allow_trailing_commas = true;
  boost::system::error_code ec;
  json::value value = json::parse(*text, ec, {}, relaxed);
  if (ec) {
    // pm2 evaluates the file as a JavaScript expression: so can node, when there is one.
    auto evaluated =
        evaluate_js_module(path, options.node, import_environment(options), JsSource::expression);
    if (evaluated) {
      boost::system::error_code ec2;
      json::value again = json::parse(*evaluated, ec2);
      if (!ec2) return again;
    }
    return make_error(Errc::invalid_params, path + ": not JSON (" + ec.message() +
                                                "); a JavaScript ecosystem must end in .js");
  }
  return value;
}

}  // namespace

Result<AppSpec> import_pm2(const std::string& path, const ImportOptions& options) {
  auto config = read_config(path, options);
  if (!config) return config.error();
  json::value apps = *config;
  if (apps.is_object()) {
    const auto& object = apps.as_object();
    if (const auto* a = object.if_contains("apps")) {
      apps = *a;
    } else if (const auto* p = object.if_contains("pm2")) {
      apps = *p;
    }
  }
  if (apps.is_object()) apps = json::array{apps};
  if (!apps.is_array()) {
    return make_error(Errc::invalid_params, path + ": no `apps` list in the ecosystem");
  }
  AppSpec app;
  app.file = path;
  const std::string folder = folder_of(path);
  app.project = std::filesystem::path(folder).filename().string();
  if (config->is_object()) {
    for (const auto& entry : config->as_object()) {
      if (entry.key() == "apps" || entry.key() == "pm2") continue;
      report(app, "", std::string(entry.key()),
             entry.key() == "deploy" ? "pm2 deploy (git pull and ssh to servers) has no bgo "
                                       "equivalent"
                                     : "not an app setting of pm2's ecosystem");
    }
  }
  std::set<std::string> names;
  for (const auto& item : apps.as_array()) {
    if (!item.is_object()) {
      return make_error(Errc::invalid_params, path + ": an entry of `apps` is not an object");
    }
    auto spec = pm2_app(app, normalise_pm2_keys(item.as_object()), folder, options);
    if (!spec) return spec.error();
    if (!names.insert(spec->spec.name).second) {
      return make_error(Errc::invalid_params,
                        path + ": two apps are named '" + spec->spec.name + "'");
    }
    spec->spec.where = {path, 0, 0};
    add_instances(app, spec->spec, spec->instances, spec->port_offset);
  }
  return app;
}

}  // namespace bgo::app
