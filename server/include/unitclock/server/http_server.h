#pragma once
// The HTTP(S) front of unitclock-server. Handlers keep no state between requests: everything lives in
// the database (sessions, tokens, rate-limit buckets), so several instances can share one database.
// Each worker thread keeps its own store connection, which is a cache of a handle, not request state.

#include <unitclock/server/error.h>
#include <unitclock/server/rate_limit.h>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace unitclock::server {

struct ServeOptions {
  std::filesystem::path dataDir;   // SQLite; or
  std::string databaseUrl;         // PostgreSQL (postgresql://USER@HOST:PORT/DB), shared by several instances
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 8470;                 // 0 picks a free port
  std::string tlsCert;             // PEM files; both or neither
  std::string tlsKey;
  std::size_t maxBodyBytes = 4 * 1024 * 1024;  // larger bodies get 413
  RateLimit rateLimit;
  int threads = 8;                            // connection threads that stay (each keeps a store connection)
  std::size_t maxConnections = 256;           // connections served at once; slow clients hold one each
  bool insecureHttp = false;                  // plain HTTP on a non-loopback address (behind a TLS proxy)
  std::string hl7ProcessingId = "P";          // MSH-11 of HL7 exports: P production, T training/test
  std::chrono::seconds consoleIdle{15 * 60};  // the web console signs a user out after this long idle
};

class HttpServer {
 public:
  // Opens and checks the database (integrity check), loads the TLS certificate, sets up the routes.
  static Result<std::unique_ptr<HttpServer>> create(const ServeOptions& options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; returns the port (the chosen one when options.port was 0).
  Result<int> bind();
  // Serves until stop(); call after bind().
  void run();
  // Thread-safe; run() returns soon after.
  void stop();
  // "http://127.0.0.1:PORT" or "https://...".
  std::string url() const;

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace unitclock::server
