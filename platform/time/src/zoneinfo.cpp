#include "zoneinfo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>

namespace unitclock::platform::zoneinfo {

using namespace std::chrono;

// [SECTION] POSIX TZ strings

namespace {

constexpr seconds kOneHour{3600};
constexpr int kMaxOffsetHours = 24;     // POSIX: the std/dst offsets
constexpr int kMaxRuleTimeHours = 167;  // RFC 8536 section 3.3.1: rule times from -167 to 167 hours

class TzText {
 public:
  explicit TzText(std::string_view text) : m_text(text) {}

  bool atEnd() const { return m_pos == m_text.size(); }
  char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }
  bool accept(char c) {
    if (peek() != c || atEnd()) return false;
    ++m_pos;
    return true;
  }

  // A zone abbreviation: "<+0530>" (letters, digits, '+', '-') or plain letters; at least three either way.
  std::optional<std::string> name() {
    std::string out;
    if (accept('<')) {
      while (!atEnd() && peek() != '>') {
        char c = m_text[m_pos++];
        bool ok = isAlpha(c) || isDigit(c) || c == '+' || c == '-';
        if (!ok) return std::nullopt;
        out.push_back(c);
      }
      if (!accept('>')) return std::nullopt;
    } else {
      while (isAlpha(peek())) out.push_back(m_text[m_pos++]);
    }
    if (out.size() < 3) return std::nullopt;
    return out;
  }

  // [+-]hh[:mm[:ss]], hours 0..maxHours, minutes and seconds 0..59. Returns the signed seconds as written.
  std::optional<seconds> time(int maxHours) {
    int sign = 1;
    if (accept('-')) {
      sign = -1;
    } else {
      accept('+');
    }
    auto h = number(1, 3);
    if (!h || *h > maxHours) return std::nullopt;
    int total = *h * 3600;
    if (accept(':')) {
      auto m = number(1, 2);
      if (!m || *m > 59) return std::nullopt;
      total += *m * 60;
      if (accept(':')) {
        auto s = number(1, 2);
        if (!s || *s > 59) return std::nullopt;
        total += *s;
      }
    }
    return seconds{sign * total};
  }

  std::optional<PosixTz::Rule> rule() {
    PosixTz::Rule r;
    if (accept('J')) {
      auto n = number(1, 3);
      if (!n || *n < 1 || *n > 365) return std::nullopt;
      r.kind = PosixTz::Rule::Kind::kJulianNoLeap;
      r.day = *n;
    } else if (accept('M')) {
      auto m = number(1, 2);
      if (!m || *m < 1 || *m > 12 || !accept('.')) return std::nullopt;
      auto w = number(1, 1);
      if (!w || *w < 1 || *w > 5 || !accept('.')) return std::nullopt;
      auto d = number(1, 1);
      if (!d || *d > 6) return std::nullopt;
      r.kind = PosixTz::Rule::Kind::kMonthWeekDay;
      r.month = *m;
      r.week = *w;
      r.weekday = *d;
    } else {
      auto n = number(1, 3);
      if (!n || *n > 365) return std::nullopt;
      r.kind = PosixTz::Rule::Kind::kZeroBasedDay;
      r.day = *n;
    }
    if (accept('/')) {
      auto t = time(kMaxRuleTimeHours);
      if (!t) return std::nullopt;
      r.time = *t;
    }
    return r;
  }

 private:
  static bool isAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
  static bool isDigit(char c) { return c >= '0' && c <= '9'; }

  std::optional<int> number(std::size_t minDigits, std::size_t maxDigits) {
    std::size_t digits = 0;
    int v = 0;
    while (digits < maxDigits && isDigit(peek())) {
      v = v * 10 + (m_text[m_pos++] - '0');
      ++digits;
    }
    if (digits < minDigits) return std::nullopt;
    return v;
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

bool isLeap(int y) {
  return year{y}.is_leap();
}

// The local wall time (as seconds since the epoch, read as if UTC) at which `rule` fires in year `y`.
sys_seconds ruleLocalTime(const PosixTz::Rule& rule, int y) {
  sys_days jan1{year{y} / January / 1};
  sys_days day{};
  switch (rule.kind) {
    case PosixTz::Rule::Kind::kJulianNoLeap:
      // Day 60 is March 1 in every year: February 29 is skipped.
      day = jan1 + days{rule.day - 1 + (isLeap(y) && rule.day >= 60 ? 1 : 0)};
      break;
    case PosixTz::Rule::Kind::kZeroBasedDay:
      day = jan1 + days{rule.day};
      break;
    case PosixTz::Rule::Kind::kMonthWeekDay: {
      auto month_ = month{static_cast<unsigned>(rule.month)};
      weekday wd{static_cast<unsigned>(rule.weekday)};
      if (rule.week == 5) {
        day = sys_days{year{y} / month_ / wd[last]};
      } else {
        day = sys_days{year{y} / month_ / wd[static_cast<unsigned>(rule.week)]};
      }
      break;
    }
  }
  return sys_seconds{day} + rule.time;
}

}  // namespace

std::optional<PosixTz> parsePosixTz(std::string_view text) {
  TzText in(text);
  PosixTz tz;
  auto stdName = in.name();
  if (!stdName) return std::nullopt;
  auto stdOffset = in.time(kMaxOffsetHours);
  if (!stdOffset) return std::nullopt;
  tz.stdName = *stdName;
  tz.stdOffset = -*stdOffset;  // POSIX writes hours WEST of Greenwich
  if (in.atEnd()) return tz;

  auto dstName = in.name();
  if (!dstName) return std::nullopt;
  tz.hasDst = true;
  tz.dstName = *dstName;
  tz.dstOffset = tz.stdOffset + kOneHour;
  if (!in.atEnd() && in.peek() != ',') {
    auto dstOffset = in.time(kMaxOffsetHours);
    if (!dstOffset) return std::nullopt;
    tz.dstOffset = -*dstOffset;
  }
  if (in.atEnd()) {
    // No rule: the C library's default, the US rule of 2007.
    tz.dstStart = PosixTz::Rule{PosixTz::Rule::Kind::kMonthWeekDay, 0, 3, 2, 0, seconds{7200}};
    tz.dstEnd = PosixTz::Rule{PosixTz::Rule::Kind::kMonthWeekDay, 0, 11, 1, 0, seconds{7200}};
    return tz;
  }
  if (!in.accept(',')) return std::nullopt;
  auto start = in.rule();
  if (!start || !in.accept(',')) return std::nullopt;
  auto end = in.rule();
  if (!end || !in.atEnd()) return std::nullopt;
  tz.dstStart = *start;
  tz.dstEnd = *end;
  return tz;
}

seconds PosixTz::utcOffsetAt(sys_seconds utc) const {
  if (!hasDst) return stdOffset;
  // The changes of the year around `utc` and of the years either side (a change may be written up to a
  // week past its day, and the local year differs from the UTC year near New Year). The last change at or
  // before `utc` decides; when two fall on the same instant the later year's wins, which keeps DST in
  // force all year for rules like "EST5EDT,0/0,J365/25".
  int y = static_cast<int>(year_month_day{floor<days>(utc + stdOffset)}.year());
  struct Change {
    sys_seconds at;
    int order;
    bool toDst;
  };
  std::optional<Change> latest;
  for (int k = 0; k < 3; ++k) {
    int yy = y - 1 + k;
    std::array<Change, 2> changes{
        Change{ruleLocalTime(dstStart, yy) - stdOffset, 2 * k, true},
        Change{ruleLocalTime(dstEnd, yy) - dstOffset, 2 * k + 1, false},
    };
    for (const auto& c : changes) {
      if (c.at > utc) continue;
      if (!latest || c.at > latest->at || (c.at == latest->at && c.order > latest->order)) latest = c;
    }
  }
  if (!latest) return stdOffset;
  return latest->toDst ? dstOffset : stdOffset;
}

// [SECTION] TZif files

namespace {

class Bytes {
 public:
  explicit Bytes(std::span<const unsigned char> bytes) : m_bytes(bytes) {}

  std::size_t remaining() const { return m_bytes.size() - m_pos; }
  bool has(std::uint64_t n) const { return n <= remaining(); }
  std::uint8_t u8() { return m_bytes[m_pos++]; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | m_bytes[m_pos++];
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | m_bytes[m_pos++];
    return v;
  }
  std::int64_t time(int size) {
    return size == 8 ? static_cast<std::int64_t>(u64()) : static_cast<std::int32_t>(u32());
  }
  std::span<const unsigned char> take(std::size_t n) {
    auto out = m_bytes.subspan(m_pos, n);
    m_pos += n;
    return out;
  }
  void skip(std::size_t n) { m_pos += n; }

 private:
  std::span<const unsigned char> m_bytes;
  std::size_t m_pos = 0;
};

struct Header {
  int version = 1;
  std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

  std::uint64_t blockSize(int timeSize) const {
    return std::uint64_t{timecnt} * static_cast<std::uint64_t>(timeSize) + timecnt +
           std::uint64_t{typecnt} * 6 + charcnt +
           std::uint64_t{leapcnt} * static_cast<std::uint64_t>(timeSize + 4) + isstdcnt + isutcnt;
  }
};

core::Result<Header, ZoneInfoError> readHeader(Bytes& in) {
  constexpr std::size_t kHeaderSize = 44;
  if (!in.has(kHeaderSize)) return core::fail(ZoneInfoError{"shorter than a TZif header"});
  auto magic = in.take(4);
  if (std::memcmp(magic.data(), "TZif", 4) != 0) return core::fail(ZoneInfoError{"not a TZif file"});
  Header h;
  switch (in.u8()) {
    case 0:
      h.version = 1;
      break;
    case '2':
      h.version = 2;
      break;
    case '3':
      h.version = 3;
      break;
    case '4':
      h.version = 4;
      break;  // RFC 9636: only the leap-second table may differ, read the same way
    default:
      return core::fail(ZoneInfoError{"unsupported TZif version"});
  }
  in.skip(15);
  h.isutcnt = in.u32();
  h.isstdcnt = in.u32();
  h.leapcnt = in.u32();
  h.timecnt = in.u32();
  h.typecnt = in.u32();
  h.charcnt = in.u32();
  if (h.typecnt == 0 || h.charcnt == 0)
    return core::fail(ZoneInfoError{"TZif header without local time types"});
  if ((h.isutcnt != 0 && h.isutcnt != h.typecnt) || (h.isstdcnt != 0 && h.isstdcnt != h.typecnt))
    return core::fail(ZoneInfoError{"TZif header counts disagree"});
  if (h.typecnt > 256) return core::fail(ZoneInfoError{"more than 256 local time types"});
  return h;
}

core::Result<void, ZoneInfoError> readBlock(Bytes& in, const Header& h, int timeSize, ZoneInfo& out) {
  if (!in.has(h.blockSize(timeSize))) return core::fail(ZoneInfoError{"TZif data is truncated"});
  out.transitions.reserve(h.timecnt);
  for (std::uint32_t i = 0; i < h.timecnt; ++i) {
    auto t = in.time(timeSize);
    if (!out.transitions.empty() && t <= out.transitions.back())
      return core::fail(ZoneInfoError{"TZif transitions are not in ascending order"});
    out.transitions.push_back(t);
  }
  out.transitionTypes.reserve(h.timecnt);
  for (std::uint32_t i = 0; i < h.timecnt; ++i) {
    auto type = in.u8();
    if (type >= h.typecnt)
      return core::fail(ZoneInfoError{"TZif transition names a missing local time type"});
    out.transitionTypes.push_back(type);
  }
  struct RawType {
    std::int32_t utoff;
    std::uint8_t isdst;
    std::uint8_t desigidx;
  };
  std::vector<RawType> raw;
  for (std::uint32_t i = 0; i < h.typecnt; ++i) {
    RawType r{static_cast<std::int32_t>(in.u32()), in.u8(), in.u8()};
    if (r.utoff == std::numeric_limits<std::int32_t>::min() || r.isdst > 1 || r.desigidx >= h.charcnt)
      return core::fail(ZoneInfoError{"TZif local time type is invalid"});
    raw.push_back(r);
  }
  auto chars = in.take(h.charcnt);
  for (const auto& r : raw) {
    auto from = chars.begin() + r.desigidx;
    auto nul = std::find(from, chars.end(), 0);
    if (nul == chars.end()) return core::fail(ZoneInfoError{"TZif abbreviation is not terminated"});
    out.types.push_back(ZoneInfo::LocalTimeType{seconds{r.utoff}, r.isdst == 1, std::string(from, nul)});
  }
  for (std::uint32_t i = 0; i < h.leapcnt; ++i) {
    ZoneInfo::LeapSecond leap;
    leap.occurrence = in.time(timeSize);
    leap.correction = static_cast<std::int32_t>(in.u32());
    if (!out.leapSeconds.empty() && leap.occurrence <= out.leapSeconds.back().occurrence)
      return core::fail(ZoneInfoError{"TZif leap seconds are not in ascending order"});
    out.leapSeconds.push_back(leap);
  }
  in.skip(h.isstdcnt);
  in.skip(h.isutcnt);
  return {};
}

}  // namespace

core::Result<ZoneInfo, ZoneInfoError> parseTzif(std::span<const unsigned char> bytes) {
  Bytes in(bytes);
  auto first = readHeader(in);
  if (!first) return core::fail(first.error());
  ZoneInfo zone;
  zone.version = first->version;
  if (first->version == 1) {
    auto block = readBlock(in, *first, 4, zone);
    if (!block) return core::fail(block.error());
    return zone;
  }
  // Version 2 and later: skip the 32-bit block, then read the second header and the 64-bit block.
  auto v1Size = first->blockSize(4);
  if (!in.has(v1Size)) return core::fail(ZoneInfoError{"TZif data is truncated"});
  in.skip(static_cast<std::size_t>(v1Size));
  auto second = readHeader(in);
  if (!second) return core::fail(second.error());
  auto block = readBlock(in, *second, 8, zone);
  if (!block) return core::fail(block.error());

  // The footer: "\n<POSIX TZ string>\n"; an empty string means no rule beyond the last transition.
  if (!in.has(1) || in.u8() != '\n') return core::fail(ZoneInfoError{"TZif footer is missing"});
  std::string footer;
  for (;;) {
    if (!in.has(1)) return core::fail(ZoneInfoError{"TZif footer is not terminated"});
    char c = static_cast<char>(in.u8());
    if (c == '\n') break;
    footer.push_back(c);
  }
  if (!footer.empty()) {
    zone.footer = parsePosixTz(footer);
    if (!zone.footer) return core::fail(ZoneInfoError{"TZif footer rule \"" + footer + "\" is not valid"});
  }
  return zone;
}

seconds ZoneInfo::utcOffsetAt(sys_seconds utc) const {
  auto t = utc.time_since_epoch().count();
  if (transitions.empty()) return footer ? footer->utcOffsetAt(utc) : types.front().utcOffset;
  if (t < transitions.front()) return types.front().utcOffset;  // RFC 8536: type 0 before the first
  auto it = std::upper_bound(transitions.begin(), transitions.end(), t);
  auto index = static_cast<std::size_t>(it - transitions.begin()) - 1;
  if (index + 1 == transitions.size() && footer) return footer->utcOffsetAt(utc);
  return types[transitionTypes[index]].utcOffset;
}

sys_seconds ZoneInfo::localTimeAt(sys_seconds utc) const {
  std::int64_t correction = 0;
  auto t = utc.time_since_epoch().count();
  for (auto it = leapSeconds.rbegin(); it != leapSeconds.rend(); ++it) {
    if (it->occurrence <= t) {
      correction = it->correction;
      break;
    }
  }
  return utc + utcOffsetAt(utc) - seconds{correction};
}

// [SECTION] Reading a file

namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (m_fd >= 0) ::close(m_fd);
  }
  int get() const { return m_fd; }

 private:
  int m_fd;
};

constexpr off_t kMaxZoneFileBytes = 1 << 20;  // real zone files are a few KiB

}  // namespace

core::Result<ZoneInfo, ZoneInfoError> loadTzifFile(const std::string& path) {
  // O_NONBLOCK: a FIFO planted under the zone directory must not hang the caller.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    int err = errno;
    bool missing = err == ENOENT || err == ENOTDIR || err == ELOOP || err == ENAMETOOLONG;
    return core::fail(ZoneInfoError{path + ": " + std::strerror(err), missing});
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return core::fail(ZoneInfoError{path + ": not a regular file", true});
  if (st.st_size > kMaxZoneFileBytes) return core::fail(ZoneInfoError{path + ": too large for a zone file"});
  std::vector<unsigned char> bytes(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < bytes.size()) {
    auto n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return core::fail(ZoneInfoError{path + ": " + std::strerror(errno)});
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  auto zone = parseTzif(bytes);
  if (!zone) return core::fail(ZoneInfoError{path + ": " + zone.error().message});
  return zone;
}

}  // namespace unitclock::platform::zoneinfo
