// SPDX-License-Identifier: MIT
// Positions and catch-up of `follow`.
#include "daemon/rpc/follow_resume.hpp"

#include <algorithm>
#include <optional>

#include <boost/json.hpp>

#include "daemon/core/ports.hpp"
#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/event_hub.hpp"
#include "daemon/rpc/services.hpp"
#include "proto/utf8_repair.hpp"

namespace bgo::daemon {

namespace json = boost::json;

namespace {

ParamError bad_resume(const std::string& why) {
  return {"resume", "invalid params: 'resume' " + why};
}

std::optional<LogStream> stream_of(std::string_view s) {
  if (s == "stdout") return LogStream::out;
  if (s == "stderr") return LogStream::err;
  if (s == "watcher") return LogStream::watcher;
  return std::nullopt;
}

ResumeEntry entry_of(const json::value& v) {
  if (!v.is_object()) throw bad_resume("must be an array of objects");
  const json::object& o = v.as_object();
  const json::value* name = o.if_contains("name");
  const json::value* stream = o.if_contains("stream");
  const json::value* file = o.if_contains("file");
  const json::value* offset = o.if_contains("offset");
  if (name == nullptr || !name->is_string() || stream == nullptr || !stream->is_string() ||
      file == nullptr || !file->is_string() || offset == nullptr ||
      !(offset->is_uint64() || (offset->is_int64() && offset->as_int64() >= 0))) {
    throw bad_resume(
        "entries need 'name', 'stream', 'file' (strings) and 'offset' (an integer >= 0)");
  }
  ResumeEntry e;
  e.name = std::string(name->as_string());
  const auto s = stream_of(stream->as_string());
  if (!s) throw bad_resume("entries' 'stream' must be stdout, stderr or watcher");
  e.stream = *s;
  const auto id = parse_token(file->as_string());
  if (!id) throw bad_resume("entries' 'file' must be a 'file' bgod sent");
  e.from.file = *id;
  e.from.offset =
      offset->is_uint64() ? offset->as_uint64() : static_cast<uint64_t>(offset->as_int64());
  return e;
}

}  // namespace

std::vector<ResumeEntry> parse_resume(const json::object& params) {
  const json::value* v = params.if_contains("resume");
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_array()) throw bad_resume("must be an array of objects");
  std::vector<ResumeEntry> out;
  for (const auto& item : v->as_array()) out.push_back(entry_of(item));
  return out;
}

json::array positions_json(Services& s, const std::vector<std::string>& names,
                           const std::vector<LogStream>& streams) {
  json::array out;
  for (const auto& name : names) {
    for (LogStream stream : streams) {
      const LogPosition at = s.log_files.position(name, stream);
      const uint64_t held = std::min<uint64_t>(s.events.held_back(name, stream), at.offset);
      out.push_back(json::object{{"name", name},
                                 {"stream", to_string(stream)},
                                 {"file", to_token(at.file)},
                                 {"offset", at.offset - held}});
    }
  }
  return out;
}

CatchUp catch_up(Services& s, const std::vector<ResumeEntry>& entries,
                 const std::vector<std::string>& names) {
  CatchUp out;
  std::vector<const ResumeEntry*> wanted;
  for (const auto& e : entries) {
    if (std::find(names.begin(), names.end(), e.name) != names.end()) wanted.push_back(&e);
  }
  if (wanted.empty()) return out;
  const uint64_t each = k_max_resume_bytes / wanted.size();
  for (const ResumeEntry* e : wanted) {
    const LogCatchUp got = s.log_files.catch_up(e->name, e->stream, e->from,
                                                s.events.held_back(e->name, e->stream), each);
    uint64_t bytes = 0;
    // A UTF-8 character cut between two pieces of one file goes out whole with the second.
    std::string carry;
    for (size_t i = 0; i < got.pieces.size(); ++i) {
      const LogCatchUp::Piece& piece = got.pieces[i];
      bytes += piece.data.size();
      std::string text = std::move(carry) + piece.data;
      carry.clear();
      const bool same_file_next =
          i + 1 < got.pieces.size() && got.pieces[i + 1].end.file == piece.end.file;
      size_t keep = same_file_next ? proto::incomplete_utf8_tail(text) : 0;
      if (keep > 0) {
        carry = text.substr(text.size() - keep);
        text.resize(text.size() - keep);
      }
      if (text.empty()) continue;
      out.lines.push_back(
          log_line(e->name, e->stream, text, LogPosition{piece.end.file, piece.end.offset - keep}));
    }
    json::object r{{"name", e->name},
                   {"stream", to_string(e->stream)},
                   {"bytes", bytes},
                   {"skipped", got.skipped}};
    r["reset"] =
        got.reset == ResumeReset::none ? json::value(nullptr) : json::value(to_string(got.reset));
    out.resumed.push_back(std::move(r));
  }
  return out;
}

}  // namespace bgo::daemon
