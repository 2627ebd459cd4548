#include "script.h"

#include <cctype>
#include <cstdio>
#include <iostream>

namespace unitclock::app {

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::chrono::milliseconds total{};
  std::size_t i = 0;
  while (i < text.size()) {
    if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) return std::nullopt;
    long long n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
      n = n * 10 + (text[i] - '0');
      if (n > 10'000'000) return std::nullopt;
      ++i;
    }
    if (i >= text.size()) return std::nullopt;  // a number needs its unit
    if (text.substr(i, 2) == "ms") {
      total += std::chrono::milliseconds(n);
      i += 2;
    } else if (text[i] == 'h') {
      total += std::chrono::hours(n);
      ++i;
    } else if (text[i] == 'm') {
      total += std::chrono::minutes(n);
      ++i;
    } else if (text[i] == 's') {
      total += std::chrono::seconds(n);
      ++i;
    } else {
      return std::nullopt;
    }
  }
  return total;
}

namespace {

// Reads a double-quoted string starting at `pos` (after leading spaces); the rest must be blank.
std::optional<std::string> quoted(std::string_view line, std::size_t pos, std::string& error) {
  while (pos < line.size() && line[pos] == ' ') ++pos;
  if (pos >= line.size() || line[pos] != '"') {
    error = "expected a double-quoted string";
    return std::nullopt;
  }
  std::string out;
  ++pos;
  while (pos < line.size() && line[pos] != '"') {
    if (line[pos] == '\\' && pos + 1 < line.size() && (line[pos + 1] == '"' || line[pos + 1] == '\\')) ++pos;
    out += line[pos++];
  }
  if (pos >= line.size()) {
    error = "the string has no closing quote";
    return std::nullopt;
  }
  ++pos;
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\r')) ++pos;
  if (pos != line.size()) {
    error = "unexpected text after the string";
    return std::nullopt;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

core::Result<std::vector<ScriptCommand>, std::string> parseScript(std::string_view text) {
  std::vector<ScriptCommand> out;
  int lineNo = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    const std::string_view raw =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    ++lineNo;
    const std::string_view line = trim(raw);
    start = end == std::string_view::npos ? text.size() + 1 : end + 1;
    if (line.empty() || line.front() == '#') continue;
    const auto space = line.find(' ');
    const std::string_view word = line.substr(0, space);
    const std::string_view rest =
        space == std::string_view::npos ? std::string_view{} : trim(line.substr(space + 1));
    ScriptCommand c;
    c.line = lineNo;
    std::string error;
    auto bad = [&](const std::string& message) {
      return core::fail("line " + std::to_string(lineNo) + ": " + message);
    };
    if (word == "tap" || word == "type" || word == "expect" || word == "expect-not") {
      auto s = quoted(line, word.size(), error);
      if (!s) return bad(std::string(word) + ": " + error);
      if (s->empty() && word != "type") return bad(std::string(word) + ": the string is empty");
      c.text = *s;
      c.kind = word == "tap"      ? CommandKind::kTap
               : word == "type"   ? CommandKind::kType
               : word == "expect" ? CommandKind::kExpect
                                  : CommandKind::kExpectNot;
    } else if (word == "advance") {
      auto d = parseDuration(rest);
      if (!d) return bad("advance: '" + std::string(rest) + "' is not a duration like 8m30s, 90s or 250ms");
      c.kind = CommandKind::kAdvance;
      c.duration = *d;
    } else if (word == "screenshot") {
      std::string path(rest);
      if (path.size() >= 2 && path.front() == '"') {
        auto s = quoted(line, word.size(), error);
        if (!s) return bad("screenshot: " + error);
        path = *s;
      }
      if (path.size() < 5 || path.substr(path.size() - 4) != ".png")
        return bad("screenshot: the file name must end in .png");
      c.kind = CommandKind::kScreenshot;
      c.text = path;
    } else if (word == "wait-sync") {
      char* endp = nullptr;
      const std::string num(rest);
      const double secs = std::strtod(num.c_str(), &endp);
      if (num.empty() || endp == nullptr || *endp != '\0' || secs <= 0 || secs > 3600)
        return bad("wait-sync: expected seconds between 0 and 3600, got '" + num + "'");
      c.kind = CommandKind::kWaitSync;
      c.seconds = secs;
    } else if (word == "quit") {
      if (!rest.empty()) return bad("quit takes no argument");
      c.kind = CommandKind::kQuit;
    } else {
      return bad("unknown command '" + std::string(word) + "'");
    }
    out.push_back(std::move(c));
  }
  return out;
}

ScriptRunner::ScriptRunner(std::string fileName, std::vector<ScriptCommand> commands, core::FakeClock& clock,
                           std::function<const FrameRecord&()> lastFrame, WaitSyncFn waitSync)
    : m_fileName(std::move(fileName)),
      m_commands(std::move(commands)),
      m_clock(clock),
      m_lastFrame(std::move(lastFrame)),
      m_waitSync(std::move(waitSync)) {}

void ScriptRunner::fail(platform::Runner& runner, const ScriptCommand& c, const std::string& message) {
  m_exitCode = 1;
  m_failure = m_fileName + ":" + std::to_string(c.line) + ": " + message;
  std::cerr << "script failed at " << m_failure << "\n";
  m_done = true;
  runner.requestQuit();
}

namespace {

std::string visibleSummary(const FrameRecord& frame) {
  std::string s;
  for (const auto& w : frame.widgets) {
    if (w.labels.empty() || w.labels.front().empty()) continue;
    if (s.size() > 400) {
      s += ", ...";
      break;
    }
    s += (s.empty() ? "\"" : ", \"") + w.labels.front() + "\"";
  }
  return s;
}

}  // namespace

void ScriptRunner::onSettled(platform::Runner& runner) {
  if (m_done) {
    runner.requestQuit();
    return;
  }
  if (m_pendingScreenshot != nullptr) {
    const ScriptCommand* c = m_pendingScreenshot;
    m_pendingScreenshot = nullptr;
    if (!runner.lastScreenshotError().empty()) return fail(runner, *c, runner.lastScreenshotError());
  }
  while (m_next < m_commands.size()) {
    const ScriptCommand& c = m_commands[m_next++];
    const FrameRecord& frame = m_lastFrame();
    switch (c.kind) {
      case CommandKind::kTap: {
        const auto found = frame.find(c.text);
        if (found.empty())
          return fail(runner, c,
                      "tap \"" + c.text + "\": no such widget on screen; tappable: " + visibleSummary(frame));
        if (found.size() > 1)
          return fail(runner, c,
                      "tap \"" + c.text + "\": " + std::to_string(found.size()) + " widgets have this label");
        if (!found.front()->enabled) return fail(runner, c, "tap \"" + c.text + "\": the widget is disabled");
        const ImVec2 p = found.front()->centre();
        runner.tap(p.x, p.y);
        return;  // the loop processes the tap, draws the settle frames, then calls back
      }
      case CommandKind::kType:
        runner.typeText(c.text);
        return;
      case CommandKind::kAdvance:
        m_clock.advance(c.duration);
        runner.requestFrame();
        return;
      case CommandKind::kExpect:
        if (!frame.shows(c.text))
          return fail(runner, c, "expected \"" + c.text + "\" on screen; it is not shown");
        break;
      case CommandKind::kExpectNot:
        if (frame.shows(c.text)) return fail(runner, c, "\"" + c.text + "\" is shown but should not be");
        break;
      case CommandKind::kScreenshot:
        m_pendingScreenshot = &c;
        runner.requestScreenshot(c.text);
        return;
      case CommandKind::kWaitSync: {
        if (!m_waitSync) return fail(runner, c, "wait-sync: sync is not configured");
        const std::string error = m_waitSync(c.seconds);
        if (!error.empty()) return fail(runner, c, "wait-sync: " + error);
        runner.requestFrame();
        return;
      }
      case CommandKind::kQuit:
        m_done = true;
        runner.requestQuit();
        return;
    }
  }
  m_done = true;
  runner.requestQuit();
}

}  // namespace unitclock::app
