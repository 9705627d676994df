// SPDX-License-Identifier: MIT
// render_frame: the layout, the top bar, the log (or detail, or help) pane and the status line.
#include "client/monit/frame.hpp"

#include <algorithm>
#include <ctime>
#include <vector>

#include "client/render/text.hpp"

namespace bgo::client::monit {

namespace {

std::string fit(std::string_view text, std::size_t width) {
  if (width == 0) return {};
  const std::string cut =
      visible_width(text) > width ? truncate(text, static_cast<int>(width)) : std::string(text);
  return pad_right(cut, width);
}

// Spans cut so that the line is at most `width` columns (the last span that crosses is cut).
FrameLine clip(FrameLine line, std::size_t width) {
  std::size_t used = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const std::size_t w = visible_width(line[i].text);
    if (used + w > width) {
      line[i].text = width > used ? truncate(line[i].text, static_cast<int>(width - used)) : "";
      line.resize(i + 1);
      break;
    }
    used += w;
  }
  return line;
}

std::string rule(bool unicode, std::size_t count) {
  std::string out;
  const std::string_view glyph = unicode ? "─" : "-";
  out.reserve(glyph.size() * count);
  for (std::size_t i = 0; i < count; ++i) out += glyph;
  return out;
}

// "12:03:04 ": when a line arrived, or the time bgod's `--time` prefix gives it (then the
// prefix is left out of `text`). Blank for a line read from the file without a prefix.
std::string time_column(const LogLine& line, std::string_view& text) {
  // bgod's prefix: "2025-03-01T10:15:42.123Z " (UTC).
  if (text.size() >= 25 && text[4] == '-' && text[10] == 'T' && text[23] == 'Z' &&
      text[24] == ' ') {
    std::string out(text.substr(11, 8));
    text.remove_prefix(25);
    return out + "Z ";
  }
  // "HH:MM:SS  " wide, blank.
  static const std::string blank(10, ' ');
  if (!line.time) return blank;
  const std::time_t t = std::chrono::system_clock::to_time_t(*line.time);
  std::tm local{};
  char buf[16];
  if (::localtime_r(&t, &local) == nullptr ||
      std::strftime(buf, sizeof buf, "%H:%M:%S", &local) == 0) {
    return blank;
  }
  return std::string(buf) + "  ";
}

FrameLine log_line(const Model& model, const LogLine& line, std::size_t width) {
  const bool unicode = model.unicode();
  if (line.skipped > 0) {
    const std::string dots = unicode ? "···" : "...";
    return clip({Span{dots + " " + std::to_string(line.skipped) +
                          " lines skipped (too fast to show) " + dots,
                      Paint::yellow}},
                width);
  }
  FrameLine out;
  // stderr is marked in the gutter, so that it shows without colours too.
  if (line.stream == Stream::err) {
    out.push_back(Span{unicode ? "▌ " : "! ", Paint::red});
  } else {
    out.push_back(Span{"  ", Paint::text});
  }
  std::string_view text = line.text;
  if (model.timestamps()) out.push_back(Span{time_column(line, text), Paint::dim});
  const Paint paint =
      line.marker ? Paint::dim : (line.stream == Stream::err ? Paint::red : Paint::text);
  out.push_back(Span{std::string(text), paint});
  return clip(std::move(out), width);
}

FrameLine title_line(const Model& model, std::size_t width) {
  const ProcessTable& table = model.table();
  std::size_t online = 0, failing = 0;
  for (const auto& [name, e] : table.entries()) {
    const RowState s = e.state();
    if (e.row.online()) ++online;
    if (s == RowState::errored || s == RowState::crashed || s == RowState::unhealthy) ++failing;
  }
  const bool unicode = model.unicode();
  const std::string dot = unicode ? " · " : " | ";
  std::string left = " bgo monit";
  std::string right = "? help" + dot + "q quit ";
  if (!model.connected()) {
    left += dot + "bgod went away";
  } else {
    left += dot + std::to_string(table.size()) + (table.size() == 1 ? " process" : " processes");
    left += dot + std::to_string(online) + " online";
    // More as it fits, in this order (the sort is in the list's header, by its arrow).
    std::vector<std::string> more;
    if (!table.filter().empty()) {
      more.push_back("filter: " + table.filter() + " (" + std::to_string(table.view().size()) +
                     " shown)");
    }
    if (failing > 0) more.push_back(std::to_string(failing) + " failing");
    if (!model.version().empty()) more.push_back("bgod " + model.version());
    for (const std::string& segment : more) {
      if (visible_width(left) + visible_width(dot + segment) + visible_width(right) + 2 > width) {
        break;
      }
      left += dot + segment;
    }
  }
  const Paint paint = model.connected() ? Paint::title : Paint::alert;
  const std::size_t lw = visible_width(left), rw = visible_width(right);
  if (lw + rw + 1 <= width) {
    return {Span{left + std::string(width - lw - rw, ' ') + right, paint}};
  }
  return {Span{fit(left, width), paint}};
}

FrameLine pane_title(const Model& model, std::size_t width) {
  const std::string line = model.unicode() ? "─" : "-";
  std::string text = line + line + " ";
  if (model.detail()) {
    text += model.detail()->name + " " + line + " detail (Enter or Esc: back to its log) ";
  } else if (const Entry* selected = model.table().selected(); selected != nullptr) {
    text += selected->row.name + " " + line + " ";
    text += model.source() == LogSource::watcher ? "watcher log" : "stdout and stderr";
    if (model.log_scroll() > 0) {
      text += " " + line + " " + std::to_string(model.log_scroll()) + " newer lines below (PgDn)";
    } else if (model.following_live()) {
      text += " " + line + " live";
    }
    if (model.timestamps()) text += " " + line + " timestamps";
    text += " ";
  }
  const std::size_t used = visible_width(text);
  if (used < width) text += rule(model.unicode(), width - used);
  return clip({Span{text, Paint::dim}}, width);
}

std::vector<FrameLine> log_pane(const Model& model, std::size_t width, std::size_t rows) {
  std::vector<FrameLine> out;
  if (!model.connected()) {
    out.emplace_back();
    out.push_back(FrameLine{Span{"  bgod went away: the connection to it closed.", Paint::red}});
    out.emplace_back();
    out.push_back(FrameLine{
        Span{"  r  reconnect (bgod is started again if it is not running)", Paint::bold}});
    out.push_back(FrameLine{Span{"  q  quit", Paint::bold}});
    for (auto& l : out) l = clip(std::move(l), width);
    out.resize(std::min(out.size(), rows));
    return out;
  }
  if (const auto& detail = model.detail()) {
    if (detail->lines.empty()) out.push_back({Span{"  reading...", Paint::dim}});
    const std::size_t first = std::min(detail->scroll, detail->lines.size());
    for (std::size_t i = first; i < detail->lines.size() && out.size() < rows; ++i) {
      out.push_back(clip({Span{" " + detail->lines[i], Paint::text}}, width));
    }
    return out;
  }
  const LogBuffer& log = model.log();
  if (log.size() == 0) {
    std::string note = model.log_note();
    if (note.empty()) {
      note = model.followed().empty()
                 ? (model.table().size() == 0 ? "No processes yet: bgo start NAME -- COMMAND" : "")
                 : "reading...";
    }
    if (!note.empty()) out.push_back(clip({Span{"  " + note, Paint::dim}}, width));
    return out;
  }
  // The newest `rows` lines, or those `log_scroll` lines further back.
  const std::size_t scroll =
      std::min(model.log_scroll(), log.size() > rows ? log.size() - rows : 0);
  const std::size_t end = log.size() - scroll;
  const std::size_t begin = end > rows ? end - rows : 0;
  for (std::size_t i = begin; i < end; ++i) out.push_back(log_line(model, log[i], width));
  return out;
}

std::vector<FrameLine> help_pane(const Model& model, std::size_t width) {
  (void)model;
  std::vector<FrameLine> out;
  out.emplace_back();
  out.push_back(FrameLine{Span{"  Keys (any key closes this help)", Paint::bold}});
  out.emplace_back();
  std::size_t keys_width = 0;
  for (const auto& h : help_lines()) keys_width = std::max(keys_width, visible_width(h.keys));
  for (const auto& h : help_lines()) {
    out.push_back(clip({Span{"  " + pad_right(h.keys, keys_width + 2), Paint::bold},
                        Span{std::string(h.what), Paint::text}},
                       width));
  }
  out.emplace_back();
  out.push_back(clip({Span{"  CPU% is each process's average since it started, as in bgo status; "
                           "the lines beside CPU% and MEM are their last minute.",
                           Paint::dim}},
                     width));
  return out;
}

FrameLine status_line(const Model& model, std::size_t width,
                      std::optional<std::pair<int, int>>& cursor, int row) {
  switch (model.mode()) {
    case Mode::filter: {
      const std::string text = "/" + model.table().filter();
      cursor = std::make_pair(row, static_cast<int>(std::min(visible_width(text), width - 1)));
      return clip(
          {Span{text, Paint::bold}, Span{"   Enter: keep the filter   Esc: clear it", Paint::dim}},
          width);
    }
    case Mode::confirm:
      return clip(
          {Span{model.confirmation() ? model.confirmation()->question : "", Paint::question}},
          width);
    default:
      break;
  }
  const StatusLine& status = model.status();
  if (model.mode() == Mode::disconnected && status.text.empty()) {
    return clip({Span{"r reconnect  q quit", Paint::dim}}, width);
  }
  if (!status.text.empty()) {
    const Paint paint = status.tone == Tone::error ? Paint::red
                        : status.tone == Tone::ok  ? Paint::green
                                                   : Paint::text;
    return clip({Span{status.text, paint}}, width);
  }
  return clip({Span{"r restart  s stop/start  d delete  W watch  f flush  Enter detail  / filter  "
                    "? help  q quit",
                    Paint::dim}},
              width);
}

}  // namespace

Frame render_frame(const Model& model, int columns, int rows, Clock::time_point now) {
  Frame frame;
  frame.columns = std::max(columns, 0);
  frame.rows = std::max(rows, 0);
  const auto width = static_cast<std::size_t>(frame.columns);
  const auto height = static_cast<std::size_t>(frame.rows);
  if (columns < k_min_columns || rows < k_min_rows) {
    frame.lines.assign(height, FrameLine{});
    if (height > 0) {
      frame.lines[0] =
          clip({Span{"bgo monit needs " + std::to_string(k_min_columns) + "x" +
                         std::to_string(k_min_rows) + " (this is " + std::to_string(columns) + "x" +
                         std::to_string(rows) + "); q quits",
                     Paint::bold}},
               width);
    }
    return frame;
  }
  frame.lines.reserve(height);
  frame.lines.push_back(title_line(model, width));
  const std::size_t body = height - 4;  // the top bar, the list's header, the pane's title, status
  if (model.mode() == Mode::help) {
    std::vector<FrameLine> help = help_pane(model, width);
    help.resize(height - 2);
    for (auto& l : help) frame.lines.push_back(std::move(l));
  } else {
    const std::size_t shown = model.table().view().size();
    frame.list_rows = std::clamp<std::size_t>(shown, 1, std::max<std::size_t>(3, body / 2));
    frame.log_rows = body - frame.list_rows;
    // The list's first row: the model's, moved so that the selection is in view.
    std::size_t top = model.list_top();
    const std::size_t selected = model.table().selected_index();
    if (selected < top) top = selected;
    if (selected >= top + frame.list_rows) top = selected + 1 - frame.list_rows;
    top = std::min(top, shown > frame.list_rows ? shown - frame.list_rows : 0);
    std::vector<FrameLine> list = render_list(model, columns, top, frame.list_rows, now);
    list.resize(frame.list_rows + 1);
    for (auto& l : list) frame.lines.push_back(std::move(l));
    frame.lines.push_back(pane_title(model, width));
    std::vector<FrameLine> pane = log_pane(model, width, frame.log_rows);
    pane.resize(frame.log_rows);
    for (auto& l : pane) frame.lines.push_back(std::move(l));
  }
  frame.lines.push_back(status_line(model, width, frame.cursor, frame.rows - 1));
  return frame;
}

std::string to_text(const Frame& frame) {
  std::string out;
  for (const FrameLine& line : frame.lines) {
    for (const Span& span : line) out += span.text;
    out += '\n';
  }
  return out;
}

}  // namespace bgo::client::monit
