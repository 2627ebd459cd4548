// A SyncOutbox kept in memory, for tests of the SyncWorker (tests/platform/sync against a misbehaving
// server in the test process, tests/server against a real unitclock-server), and sync options that retry
// fast.
#pragma once

#include <unitclock/platform/sync_worker.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace unitclock::test {
// The device side of the outbox, kept in memory for these tests: a queue in signing order plus what
// happened to each entry.
class QueueOutbox : public platform::SyncOutbox {
 public:
  void add(const std::string& id, const std::string& body, int revision = 1) {
    std::lock_guard lock(m);
    queue.push_back({++nextId, id, revision, body});
  }
  std::optional<platform::PendingUpload> nextUpload(std::string&) override {
    std::lock_guard lock(m);
    if (queue.empty()) return std::nullopt;
    return queue.front();
  }
  std::vector<platform::PendingUpload> nextUploads(std::size_t max, std::string&) override {
    std::lock_guard lock(m);
    return {queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(std::min(max, queue.size()))};
  }
  std::size_t pendingCount() override {
    std::lock_guard lock(m);
    return queue.size();
  }
  bool markUploaded(const platform::PendingUpload& u) override {
    std::lock_guard lock(m);
    uploaded.push_back(u.sessionId);
    queue.pop_front();
    return true;
  }
  bool markRejected(const platform::PendingUpload& u, int status, const std::string& message) override {
    std::lock_guard lock(m);
    rejected.push_back({u.sessionId, std::to_string(status) + " " + message});
    queue.pop_front();
    return true;
  }
  std::string configEtag() override {
    std::lock_guard lock(m);
    return etag;
  }
  bool saveConfig(const std::string& json, const std::string& e) override {
    std::lock_guard lock(m);
    config = json;
    etag = e;
    ++configSaves;
    return true;
  }
  std::string today() override { return "2026-11-26"; }

  std::mutex m;
  std::deque<platform::PendingUpload> queue;
  std::int64_t nextId = 0;
  std::vector<std::string> uploaded;
  std::vector<std::pair<std::string, std::string>> rejected;
  std::string config, etag;
  int configSaves = 0;
};

inline platform::SyncOptions fastOptions(const std::string& url, const std::string& token) {
  platform::SyncOptions o;
  o.client.baseUrl = url;
  o.client.bearerToken = token;
  o.client.timeout = std::chrono::milliseconds{2000};
  o.backoff.initial = std::chrono::milliseconds{20};
  o.backoff.maximum = std::chrono::milliseconds{200};
  return o;
}

}  // namespace unitclock::test
