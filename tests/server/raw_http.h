#pragma once
// Test support: raw TCP to a server on 127.0.0.1, for what a well-behaved client never sends (chunked
// uploads, bodies announced and never sent, a header line every few seconds). Every read has a deadline.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>

namespace unitclock::server::testing {

class RawConnection {
 public:
  explicit RawConnection(int port) {
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (m_fd < 0 || ::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) close();
  }
  ~RawConnection() { close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  RawConnection(RawConnection&& o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }

  bool ok() const { return m_fd >= 0; }

  bool send(std::string_view bytes) {
    while (!bytes.empty() && m_fd >= 0) {
      auto n = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return m_fd >= 0;
  }

  // Reads until the peer closes, a full response with its Content-Length has arrived, or `limit` passes.
  std::string readResponse(std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    std::string out;
    while (m_fd >= 0) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{m_fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[4096];
      auto n = ::recv(m_fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
      if (complete(out)) break;
    }
    return out;
  }

  void close() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

 private:
  static bool complete(const std::string& r) {
    auto end = r.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    auto cl = r.find("Content-Length: ");
    if (cl == std::string::npos || cl > end) return true;
    auto len = std::stoul(r.substr(cl + 16, r.find("\r\n", cl) - cl - 16));
    return r.size() >= end + 4 + len;
  }
  int m_fd = -1;
};

// "HTTP/1.1 411 Length Required" -> 411; 0 when nothing came.
inline int statusOf(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

}  // namespace unitclock::server::testing
