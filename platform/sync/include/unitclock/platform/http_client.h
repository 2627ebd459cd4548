#pragma once
// A small HTTP client over libcurl for talking to unitclock-server. TLS verification is always on; a CA
// file can replace the system store; plain http is refused unless the host is loopback or the caller
// sets `allowInsecureHttp`. One client keeps one connection alive; use it from one thread at a time.

#include <unitclock/core/result.h>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace unitclock::platform {

struct HttpClientOptions {
  std::string baseUrl;             // "https://billing.clinic.example:8470"
  std::string caFile;              // PEM file that replaces the system CA store; empty: system
  bool allowInsecureHttp = false;  // plain http to a host other than loopback
  std::string bearerToken;         // sent as Authorization: Bearer ...
  std::chrono::milliseconds connectTimeout{5000};
  std::chrono::milliseconds timeout{20000};  // whole request
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  std::optional<std::string> header(std::string_view lowerCaseName) const;
};

enum class HttpErrc {
  kInvalidUrl,       // not http(s)://host[:port]
  kInsecureRefused,  // plain http to a non-loopback host without allowInsecureHttp
  kCannotConnect,    // refused, unreachable, DNS failure
  kTimeout,
  kTls,       // certificate not trusted, wrong host name, handshake failure
  kTransfer,  // connection dropped mid-request, and anything else libcurl reports
};

struct HttpError {
  HttpErrc errc = HttpErrc::kTransfer;
  std::string message;  // libcurl's description plus what we were doing; no request body
};

class HttpClient {
 public:
  static core::Result<HttpClient, HttpError> create(HttpClientOptions options);

  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  ~HttpClient();

  // `path` starts with '/', e.g. "/api/v1/config?date=2026-11-26". Any HTTP status is a response;
  // only transport failures are errors.
  core::Result<HttpResponse, HttpError> get(std::string_view path,
                                            const std::map<std::string, std::string>& headers = {});
  core::Result<HttpResponse, HttpError> put(std::string_view path, std::string_view jsonBody,
                                            const std::map<std::string, std::string>& headers = {});
  core::Result<HttpResponse, HttpError> post(std::string_view path, std::string_view jsonBody,
                                             const std::map<std::string, std::string>& headers = {});

  void setBearerToken(std::string token);
  const HttpClientOptions& options() const;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool isLoopbackHost(std::string_view host);

std::string_view toString(HttpErrc errc) noexcept;

}  // namespace unitclock::platform
