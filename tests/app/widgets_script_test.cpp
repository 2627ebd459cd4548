#include <gtest/gtest.h>

#include "options.h"
#include "script.h"
#include "widgets.h"

namespace unitclock::app {
namespace {

using namespace std::chrono_literals;

TEST(Widgets, VisibleLabelDropsTheImGuiIdSuffix) {
  EXPECT_EQ(visibleLabel("Start##97110"), "Start");
  EXPECT_EQ(visibleLabel("OK"), "OK");
  EXPECT_EQ(visibleLabel("##hidden"), "");
}

TEST(Widgets, FrameRecordFindsWidgetsByAnyOfTheirLinesAndTextsBySubstring) {
  FrameRecord f;
  f.widgets.push_back({{"97110", "Therapeutic exercise", "3 min"}, ImVec2(0, 0), ImVec2(100, 60), true});
  f.widgets.push_back({{"OK"}, ImVec2(0, 100), ImVec2(100, 160), true});
  f.texts = {"97110", "Therapeutic exercise", "3 min", "OK", "Timed 15 min"};
  EXPECT_EQ(f.find("Therapeutic exercise").size(), 1u);
  EXPECT_EQ(f.find("97110").size(), 1u);
  EXPECT_TRUE(f.find("Therapeutic").empty()) << "taps match whole labels only";
  EXPECT_TRUE(f.shows("Timed 15"));
  EXPECT_FALSE(f.shows("Treatment"));
  EXPECT_FLOAT_EQ(f.find("OK").front()->centre().y, 130.0f);
}

TEST(ScriptDuration, ParsesHoursMinutesSecondsAndMilliseconds) {
  EXPECT_EQ(parseDuration("8m30s"), std::chrono::milliseconds(8min + 30s));
  EXPECT_EQ(parseDuration("90s"), std::chrono::milliseconds(90s));
  EXPECT_EQ(parseDuration("1h5m"), std::chrono::milliseconds(65min));
  EXPECT_EQ(parseDuration("250ms"), std::chrono::milliseconds(250));
  for (const char* bad : {"", "8", "m", "-5s", "5 m", "5x", "1.5m"}) EXPECT_FALSE(parseDuration(bad)) << bad;
}

TEST(ScriptParser, ReadsEveryCommandAndSkipsCommentsAndBlankLines) {
  const auto r = parseScript(
      "# a comment\n\ntap \"Dana Ortiz\"\ntype \"1111\"\nadvance 8m30s\nexpect \"Timed\"\nexpect-not "
      "\"Error\"\n"
      "screenshot shot.png\nwait-sync 5\nquit\n");
  ASSERT_TRUE(r) << r.error();
  const auto& c = r.value();
  ASSERT_EQ(c.size(), 8u);
  EXPECT_EQ(c[0].kind, CommandKind::kTap);
  EXPECT_EQ(c[0].text, "Dana Ortiz");
  EXPECT_EQ(c[0].line, 3);
  EXPECT_EQ(c[2].duration, std::chrono::milliseconds(510s));
  EXPECT_EQ(c[4].kind, CommandKind::kExpectNot);
  EXPECT_EQ(c[5].text, "shot.png");
  EXPECT_DOUBLE_EQ(c[6].seconds, 5.0);
  EXPECT_EQ(c[7].kind, CommandKind::kQuit);
}

TEST(ScriptParser, UnescapesQuotesAndBackslashes) {
  const auto r = parseScript("expect \"say \\\"hi\\\" \\\\ bye\"\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value()[0].text, "say \"hi\" \\ bye");
}

TEST(ScriptParser, NamesTheLineOfEveryMistake) {
  const std::pair<const char*, const char*> cases[] = {
      {"tap \"OK\"\ntapp \"OK\"\n", "line 2: unknown command 'tapp'"},
      {"tap OK\n", "line 1: tap: expected a double-quoted string"},
      {"\n\nexpect \"open\n", "line 3: expect: the string has no closing quote"},
      {"advance 5 minutes\n", "line 1: advance: '5 minutes' is not a duration"},
      {"screenshot shot.jpg\n", "line 1: screenshot: the file name must end in .png"},
      {"wait-sync soon\n", "line 1: wait-sync"},
      {"quit now\n", "line 1: quit takes no argument"},
      {"tap \"\"\n", "line 1: tap: the string is empty"},
  };
  for (const auto& [text, message] : cases) {
    const auto r = parseScript(text);
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error().find(message), std::string::npos) << r.error();
  }
}

TEST(KioskOptions, ParsesSizeScriptAndModes) {
  const auto r = parseOptions({"--size", "800x1280", "--script", "s.txt", "--data-dir", "/tmp/d", "--demo",
                               "--stats", "st.json", "--clock-start", "2026-11-26T09:00:00Z"});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.value().widthPx, 800);
  EXPECT_EQ(r.value().heightPx, 1280);
  EXPECT_EQ(r.value().scriptPath, "s.txt");
  EXPECT_EQ(r.value().dataDir, "/tmp/d");
  EXPECT_TRUE(r.value().demo);
  ASSERT_TRUE(r.value().clockStart);
}

TEST(KioskOptions, RejectsBadValuesWithAClearMessage) {
  EXPECT_NE(parseOptions({"--size", "big"}).error().find("--size needs WxH"), std::string::npos);
  EXPECT_NE(parseOptions({"--size", "100x100"}).error().find("320"), std::string::npos);
  EXPECT_NE(parseOptions({"--fullscreen"}).error().find("unknown option '--fullscreen'"), std::string::npos);
  EXPECT_NE(
      parseOptions({"--clock-start", "2026-11-26T09:00:00Z"}).error().find("only applies with --script"),
      std::string::npos);
  EXPECT_NE(parseOptions({"--script"}).error().find("--script needs a file"), std::string::npos);
}

TEST(KioskOptions, EnrollsAtStartOnlyWithBothServerAndCode) {
  const auto r = parseOptions({"--server", "http://127.0.0.1:8470", "--enroll-code", "4B5B-545N-DA2H"});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.value().serverUrl, "http://127.0.0.1:8470");
  EXPECT_EQ(r.value().enrollCode, "4B5B-545N-DA2H");
  EXPECT_NE(parseOptions({"--server", "http://127.0.0.1:8470"}).error().find("go together"),
            std::string::npos);
  EXPECT_NE(parseOptions({"--enroll-code", "X"}).error().find("go together"), std::string::npos);
  EXPECT_NE(parseOptions({"--server"}).error().find("--server needs a URL"), std::string::npos);
}

TEST(KioskOptions, TheDemoClinicHasItsOwnDataDirectory) {
  EXPECT_NE(defaultDataDir(true), defaultDataDir(false));
  EXPECT_NE(defaultDataDir(true).find("unitclock-demo"), std::string::npos);
}

}  // namespace
}  // namespace unitclock::app
