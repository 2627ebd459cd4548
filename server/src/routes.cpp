// [SECTION] Routes of API v1 (docs/sync-api.md). Every request runs in one store transaction; a
// savepoint around the handler's own work makes sure an error stores nothing of the request, while the
// rate-limit bucket and the record of a rejected upload still commit.
#include <httplib.h>
#include <sys/socket.h>

#include <unitclock/platform/wire/answers.h>
#include <unitclock/server/auth.h>
#include <unitclock/server/config.h>
#include <unitclock/server/devices.h>
#include <unitclock/server/exports.h>
#include <unitclock/server/http_server.h>
#include <unitclock/server/ingest.h>
#include <unitclock/server/metrics.h>
#include <unitclock/server/secrets.h>
#include <unitclock/server/store.h>
#include <unitclock/server/summary.h>
#include <unitclock/version.h>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "console/console_routes.h"

namespace unitclock::server {
namespace {

using nlohmann::json;

struct Reply {
  int status = 200;
  std::string body;
  std::string contentType = "application/json";
  httplib::Headers headers;
};

enum class Access { kDevice, kSupervisor, kDeviceOrSupervisor };

// Responses are compressed with gzip, never brotli. Debian's cpp-httplib offers brotli to any client that
// accepts it (every browser), at brotli's highest quality: 10.5 s of CPU for the console's 5.7 MB day of
// 10,000 sessions against 0.1 s for gzip (docs/bench-console.md). The library chooses from the request's
// Accept-Encoding, so that is what is rewritten, before any route sees it.
void gzipOnly(httplib::Request& req) {
  auto it = req.headers.find("Accept-Encoding");
  if (it == req.headers.end()) return;
  // "gzip" or "gzip;q=0.5" among the accepted codings, but not "gzip;q=0" (refused).
  bool gzip = false;
  std::string_view rest = it->second;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view coding = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!coding.empty() && coding.front() == ' ') coding.remove_prefix(1);
    const auto semi = coding.find(';');
    std::string_view name = coding.substr(0, semi),
                     params = semi == std::string_view::npos ? "" : coding.substr(semi);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name != "gzip") continue;
    std::string q(params);
    q.erase(std::remove(q.begin(), q.end(), ' '), q.end());
    gzip = !(q.rfind(";q=0", 0) == 0 && q.find_first_of("123456789", 4) == std::string::npos);
  }
  req.headers.erase("Accept-Encoding");
  req.headers.emplace("Accept-Encoding", gzip ? "gzip" : "identity");
}

constexpr std::size_t kMaxBatch = 200;  // sessions per POST /api/v1/sessions/batch

std::string errorBody(const ApiError& e) {
  return wire::toJson(wire::ErrorBody{e.status, e.field, e.message}).dump();
}

wire::UploadResult toWire(IngestResult r) {
  switch (r) {
    case IngestResult::kCreated:
      return wire::UploadResult::created;
    case IngestResult::kRevised:
      return wire::UploadResult::revised;
    case IngestResult::kVoided:
      return wire::UploadResult::voided;
    case IngestResult::kUnchanged:
      return wire::UploadResult::unchanged;
  }
  return wire::UploadResult::unchanged;
}

UploadOutcome outcomeOf(IngestResult r) {
  switch (r) {
    case IngestResult::kCreated:
      return UploadOutcome::created;
    case IngestResult::kRevised:
      return UploadOutcome::revised;
    case IngestResult::kVoided:
      return UploadOutcome::voided;
    case IngestResult::kUnchanged:
      return UploadOutcome::unchanged;
  }
  return UploadOutcome::unchanged;
}

void sendError(httplib::Response& res, const ApiError& e) {
  res.status = e.status;
  // A busy or briefly unreachable store: the caller may try again in a second.
  if (e.status == 503 && !res.has_header("Retry-After")) res.set_header("Retry-After", "1");
  res.set_content(errorBody(e), "application/json");
}

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

WireTime wallNow() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// The path as logged: bytes outside printable ASCII (a decoded %0a, a terminal escape) as %XX, so one
// request is one line and a path cannot forge another.
std::string loggedPath(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : path.substr(0, 512)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c > 0x7E || c == '%') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  return out;
}

// The clinic-local day before `date` (YYYY-MM-DD).
std::string dayBefore(const std::string& date) {
  auto t = parseUtcTimestamp(date + "T00:00:00Z");
  if (!t) return {};
  return formatUtcTimestamp(*t - std::chrono::hours{24}).substr(0, 10);
}

// [SECTION] Connection threads. cpp-httplib gives each connection a thread from its task queue until the
// connection closes, and has no deadline for a request's headers: with a fixed pool, a few clients that
// send a header line now and then hold every worker. Here `base` threads stay (each keeps its SQLite
// connection), and while every thread is busy a new one starts, up to `max`; those extra threads end
// after kIdle without work. A slow client then holds one thread, not the server. Past `max` open
// connections new ones wait in the queue, as before.
class ConnectionThreads : public httplib::TaskQueue {
 public:
  static constexpr auto kIdle = std::chrono::seconds{10};

  ConnectionThreads(std::size_t base, std::size_t max) : m_max(std::max(base, max)) {
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < base; ++i) startLocked(/*stays=*/true);
  }
  ~ConnectionThreads() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::lock_guard lock(m_mutex);
    m_jobs.push_back(std::move(fn));
    if (m_jobs.size() > m_idle && m_live < m_max) startLocked(/*stays=*/false);
    m_cv.notify_one();
  }

  void shutdown() override {
    std::unique_lock lock(m_mutex);
    if (m_stopping && m_live == 0) return;
    m_stopping = true;
    m_cv.notify_all();
    m_ended.wait(lock, [&] { return m_live == 0; });
    lock.unlock();
    for (auto& t : m_threads) t.join();  // the threads that stay; the extra ones detached themselves
    m_threads.clear();
  }

 private:
  void startLocked(bool stays) {
    ++m_live;
    std::thread t([this, stays] { run(stays); });
    if (stays) {
      m_threads.push_back(std::move(t));
    } else {
      t.detach();
    }
  }

  void run(bool stays) {
    std::unique_lock lock(m_mutex);
    while (true) {
      ++m_idle;
      const auto ready = [&] { return m_stopping || !m_jobs.empty(); };
      bool woke = true;
      if (stays) {
        m_cv.wait(lock, ready);
      } else {
        woke = m_cv.wait_for(lock, kIdle, ready);
      }
      --m_idle;
      if (m_jobs.empty()) {
        if (m_stopping || !woke) break;
        continue;
      }
      auto job = std::move(m_jobs.front());
      m_jobs.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
    --m_live;
    m_ended.notify_all();
  }

  const std::size_t m_max;
  std::mutex m_mutex;
  std::condition_variable m_cv, m_ended;
  std::deque<std::function<void()>> m_jobs;
  std::vector<std::thread> m_threads;
  std::size_t m_idle = 0, m_live = 0;
  bool m_stopping = false;
};

// [SECTION] A per-address limit for what has no device bucket: enrollment attempts, and requests whose
// token is missing or wrong (a failure past the limit is answered 429 instead of 401, so a good token
// behind the same proxy address still works). Kept in memory: guesses need no durable record.
class AddressLimiter {
 public:
  static constexpr double kPerSecond = 2.0;
  static constexpr double kBurst = 30.0;

  // True when `address` may make one more such request; charges it.
  bool take(const std::string& address) {
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (m_buckets.size() > 10000) m_buckets.clear();  // a flood of addresses: forget, never grow
    auto [it, fresh] = m_buckets.try_emplace(address, Bucket{kBurst, now});
    Bucket& b = it->second;
    b.tokens = std::min(kBurst, b.tokens + std::chrono::duration<double>(now - b.at).count() * kPerSecond);
    b.at = now;
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
  }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex m_mutex;
  std::map<std::string, Bucket> m_buckets;
};

ApiError tooManyFromAddress() {
  return ApiError{429, "", "too many failed or unauthenticated requests from this address; retry later"};
}

// What the pre-routing step learnt of a request's token before its body was read, for its handler on
// the same thread. Reset at the start of every request.
struct PreAuth {
  std::string header;
  Principal who;
};
thread_local std::optional<PreAuth> t_preAuth;

bool flagParam(const httplib::Request& req, const char* name) {
  return req.has_param(name) && req.get_param_value(name) == "1";
}

}  // namespace

constexpr int kListenBacklog = 1024;
constexpr std::size_t kMaxConsoleBody = 64 * 1024;  // the console's page sends a few hundred bytes  //
                                                    // pending connections the kernel queues before accept()

struct HttpServer::Impl {
  ServeOptions options;
  std::unique_ptr<httplib::Server> http;
  bool tls = false;
  int port = 0;
  int listenFd = -1;  // the listening socket, for bind() to lengthen its accept queue
  AddressLimiter addressLimiter;
  Metrics metrics;  // GET /metrics

  std::unique_ptr<ServerStore> store;
  std::shared_ptr<void> consoleRoutes;  // the web console's handlers point into it

  // A connection per worker thread and store, opened on first use.
  Result<StoreConnection*> connection() {
    thread_local std::map<std::string, std::unique_ptr<StoreConnection>> connections;
    auto key = store->location();
    auto it = connections.find(key);
    if (it == connections.end()) {
      auto db = store->connect();
      if (!db) return fail(db.error());
      it = connections.emplace(key, std::move(db).value()).first;
    }
    return it->second.get();
  }

  // [SECTION] Group commit. Every write of a device (uploads) goes to one writer thread, which applies
  // the writes waiting at that moment in one transaction: each request in a savepoint of its own (so
  // each is still all-or-nothing) and one disk flush for all of them. Nothing is answered before the
  // COMMIT has returned, so an acknowledged upload is on disk (synchronous=FULL).
  struct WriteOutcome {
    std::optional<Reply> reply;
    ApiError error;
    std::chrono::seconds retryAfter{0};
  };
  struct WriteJob {
    const Principal* who = nullptr;
    DeviceSighting seen;  // what the request says of its device, recorded with the rate limit
    double cost = 1.0;
    std::function<Result<Reply>(StoreConnection&)> work;
    std::function<void(StoreConnection&, const ApiError&)> refused;  // records a refused upload
    std::promise<WriteOutcome> done;
  };
  static constexpr std::size_t kMaxGroup = 64;
  std::mutex writeMutex;
  std::condition_variable writeCv;
  std::deque<WriteJob*> writeQueue;
  bool writerStopping = false;
  std::thread writer;

  WriteOutcome submit(WriteJob& job) {
    auto future = job.done.get_future();
    {
      std::lock_guard lock(writeMutex);
      writeQueue.push_back(&job);
    }
    writeCv.notify_one();
    return future.get();
  }

  static constexpr int kWriteAttempts = 5;

  // One attempt at a group of writes in one transaction (see writerLoop).
  std::vector<WriteOutcome> applyGroup(StoreConnection* db, const ApiError& openError,
                                       const std::vector<WriteJob*>& jobs) {
    std::vector<WriteOutcome> outcomes(jobs.size());
    auto failAll = [&](const ApiError& e) {
      for (auto& o : outcomes) o = WriteOutcome{std::nullopt, e, {}};
    };
    if (!db) {
      failAll(openError);
      return outcomes;
    }
    auto tx = StoreTransaction::begin(*db, TransactionKind::kWrite);
    if (!tx) {
      failAll(tx.error());
      return outcomes;
    }
    const auto now = nowMs();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      WriteJob& job = *jobs[i];
      applyJob(*db, job, now, outcomes[i]);
      // The store asks for the whole transaction again: nothing of this group is committed (the
      // transaction rolls back as it goes out of scope), and the writer runs it again.
      if (outcomes[i].error.retryTransaction) {
        failAll(outcomes[i].error);
        return outcomes;
      }
    }
    const auto flushStart = std::chrono::steady_clock::now();
    auto c = tx->commit();
    metrics.observeCommit(std::chrono::steady_clock::now() - flushStart);
    if (!c) failAll(c.error());
    return outcomes;
  }

  // One request of a group, in a savepoint of its own.
  void applyJob(StoreConnection& db, WriteJob& job, std::int64_t now, WriteOutcome& outcome) {
    // Seen, whatever the answer; its pending count only once the upload was accepted (below).
    if (auto seen = recordDeviceSeen(db, job.who->deviceId, {job.seen.appVersion, std::nullopt}, wallNow());
        !seen) {
      outcome.error = seen.error();
      return;
    }
    auto decision = takeToken(db, job.who->deviceId, options.rateLimit, now, job.cost);
    if (!decision) {
      outcome.error = decision.error();
      return;
    }
    if (!decision->allowed) {
      outcome.error = ApiError{429, "", "too many requests from this device; retry later"};
      outcome.retryAfter = decision->retryAfter;
      return;
    }
    if (auto sp = db.savepoint("request"); !sp) {
      outcome.error = sp.error();
      return;
    }
    Result<Reply> reply = [&]() -> Result<Reply> {
      try {
        return job.work(db);
      } catch (const std::exception&) {
        return fail(ApiError{500, "", "internal error"});
      }
    }();
    if (!reply) {
      (void)db.rollbackToSavepoint("request");
      outcome.error = reply.error();
      if (job.refused && reply.error().status >= 400 && reply.error().status < 500) {
        job.refused(db, reply.error());
      }
    } else if (auto seen = recordDeviceSeen(db, job.who->deviceId, job.seen, wallNow()); !seen) {
      (void)db.rollbackToSavepoint("request");
      outcome.error = seen.error();
    } else {
      outcome.reply = std::move(reply).value();
    }
    (void)db.releaseSavepoint("request");
  }

  void writerLoop() {
    std::unique_ptr<StoreConnection> db;
    ApiError openError;
    if (auto opened = store->connect(); opened) {
      db = std::move(opened).value();
    } else {
      openError = opened.error();
    }
    while (true) {
      std::vector<WriteJob*> jobs;
      {
        std::unique_lock lock(writeMutex);
        writeCv.wait(lock, [&] { return writerStopping || !writeQueue.empty(); });
        if (writeQueue.empty()) return;  // stopping, and nothing left to answer
        while (!writeQueue.empty() && jobs.size() < kMaxGroup) {
          jobs.push_back(writeQueue.front());
          writeQueue.pop_front();
        }
      }
      if (!db) {  // a store that could not be reached before is tried again for each group
        if (auto opened = store->connect(); opened) {
          db = std::move(opened).value();
        } else {
          openError = opened.error();
        }
      }
      std::vector<WriteOutcome> outcomes;
      // A group the store asks to run again (PostgreSQL: a deadlock, or another instance inserting the
      // same session first) is rolled back and run again, up to kWriteAttempts times; then every request
      // of it gets the 503, with Retry-After.
      for (int attempt = 1;; ++attempt) {
        outcomes = applyGroup(db.get(), openError, jobs);
        const bool again = std::any_of(outcomes.begin(), outcomes.end(), [](const WriteOutcome& o) {
          return !o.reply && o.error.retryTransaction;
        });
        if (!again) break;
        if (attempt == kWriteAttempts) break;  // every answer is the 503 (with Retry-After, sendError)
        metrics.countWriteRetry();
      }
      for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i]->done.set_value(std::move(outcomes[i]));
    }
  }

  void startWriter() {
    writer = std::thread([this] { writerLoop(); });
  }

  void stopWriter() {
    {
      std::lock_guard lock(writeMutex);
      writerStopping = true;
    }
    writeCv.notify_all();
    if (writer.joinable()) writer.join();
  }

  ~Impl() { stopWriter(); }

  static void send(httplib::Response& res, const Reply& reply) {
    res.status = reply.status;
    for (const auto& [k, v] : reply.headers) res.set_header(k, v);
    if (reply.status != 304) res.set_content(reply.body, reply.contentType);
  }

  // Authenticates, checks the caller's role and rate limit, and runs `work`: uploads on the writer thread,
  // reads in a snapshot on this thread.
  // The caller of `req`: known already when its token was checked before the body was read.
  Result<Principal> caller(StoreConnection& db, const httplib::Request& req) {
    const auto header = req.get_header_value("Authorization");
    if (t_preAuth && t_preAuth->header == header) {
      Principal p = std::move(t_preAuth->who);
      t_preAuth.reset();
      return p;
    }
    auto who = authenticate(db, header);
    if (!who && who.error().status < 500 && !addressLimiter.take(req.remote_addr))
      return fail(tooManyFromAddress());
    return who;
  }

  // Authenticates, checks the caller's role and rate limit, and runs `work`: uploads on the writer thread,
  // reads in a snapshot on this thread. `prepare`, when given, runs after authentication and before the
  // rate limit: it reads the body and says what the request costs.
  template <class Work>
  void handle(const httplib::Request& req, httplib::Response& res, Access access, bool recordRejections,
              Work work, const std::function<Result<double>()>& prepare = {}) {
    auto dbr = connection();
    if (!dbr) return sendError(res, dbr.error());
    StoreConnection& db = *dbr.value();
    auto who = caller(db, req);
    if (!who) return sendError(res, who.error());
    const Principal& p = who.value();
    if (access == Access::kDevice && p.role != Role::kDevice) {
      return sendError(res, ApiError{403, "", "this endpoint is for enrolled devices"});
    }
    if (access == Access::kSupervisor && p.role != Role::kSupervisor) {
      return sendError(res, ApiError{403, "", "this endpoint needs a supervisor token"});
    }
    double cost = 1.0;
    if (prepare) {
      auto c = prepare();
      if (!c) return sendError(res, c.error());
      cost = c.value();
    }
    res.set_header("X-Unitclock-Caller", p.role == Role::kDevice ? "device-" + std::to_string(p.deviceId)
                                                                 : "token-" + std::to_string(p.tokenId));
    // Every device request refreshes what the administrators see of it (docs/server.md, "Devices"), in
    // the transaction that settles its rate limit: no transaction or flush of its own. Its pending count
    // leaves out what the request carries, so an upload's count is kept only once the upload is accepted.
    const DeviceSighting seen{appVersionOf(req.get_header_value("User-Agent")),
                              pendingUploadsOf(req.get_header_value("Unitclock-Pending"))};
    // Uploads go to the writer thread (group commit, above), which settles the rate limit in the same
    // transaction. Reads (config, summaries) run in a deferred transaction, a consistent snapshot that
    // never blocks uploads; a device's read first settles its rate limit in a short transaction.
    if (p.role == Role::kDevice && req.method != "GET") {
      WriteJob job;
      job.who = &p;
      job.seen = seen;
      job.cost = cost;
      job.work = [&](StoreConnection& wdb) { return work(wdb, p); };
      if (recordRejections) {
        job.refused = [&](StoreConnection& wdb, const ApiError& e) {
          auto body = parseJsonBody(req.body);
          recordRejection(wdb, p, req.matches.size() > 1 ? std::string(req.matches[1]) : std::string(), e,
                          body ? &body.value() : nullptr);
        };
      }
      WriteOutcome out = submit(job);
      if (out.reply) return send(res, *out.reply);
      if (out.error.status == 429) res.set_header("Retry-After", std::to_string(out.retryAfter.count()));
      return sendError(res, out.error);
    }
    {
      // Reads settle the caller's bucket in a short transaction first: a device's by its id, a
      // supervisor token's under the negated token id (the table's key is only a number).
      auto rtx = StoreTransaction::begin(db, TransactionKind::kWrite);
      if (!rtx) return sendError(res, rtx.error());
      if (p.role == Role::kDevice) {
        if (auto recorded = recordDeviceSeen(db, p.deviceId, seen, wallNow()); !recorded)
          return sendError(res, recorded.error());
      }
      const std::int64_t bucket = p.role == Role::kDevice ? p.deviceId : -p.tokenId;
      auto decision = takeToken(db, bucket, options.rateLimit, nowMs(), cost);
      if (!decision) return sendError(res, decision.error());
      if (auto c = rtx->commit(); !c) return sendError(res, c.error());
      if (!decision->allowed) {
        res.set_header("Retry-After", std::to_string(decision->retryAfter.count()));
        return sendError(res, ApiError{429, "", "too many requests from this device; retry later"});
      }
    }
    auto tx = StoreTransaction::begin(db, TransactionKind::kRead);  // reads only: rolled back at the end
    if (!tx) return sendError(res, tx.error());
    Result<Reply> reply = work(db, p);
    if (!reply) return sendError(res, reply.error());
    send(res, *reply);
  }

  Result<Reply> releaseHeld(StoreConnection& db, const Principal& who, const std::string& date,
                            const std::string& body) {
    if (!isCalendarDate(date)) return reject("date", "must be a real date like 2026-11-26");
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return reject("", "the body is not a JSON object");
    auto text = [&](const char* key) -> std::optional<std::string> {
      auto it = j.find(key);
      if (it == j.end() || !it->is_string()) return std::nullopt;
      return it->get<std::string>();
    };
    auto mrn = text("patient_mrn");
    if (!mrn || mrn->empty()) return reject("patient_mrn", "is required");
    auto discipline = text("discipline");
    if (!discipline || (*discipline != "ot" && *discipline != "pt" && *discipline != "slp"))
      return reject("discipline", "must be one of ot, pt, slp");
    auto reason = text("reason");
    if (!reason || reason->empty() || reason->size() > 500)
      return reject("reason", "is required (at most 500 characters)");
    auto clinic = clinicFor(who, text("clinic").value_or(""));
    if (!clinic) return fail(clinic.error());
    auto tx = StoreTransaction::begin(db, TransactionKind::kWrite);
    if (!tx) return fail(tx.error());
    auto report = loadDay(db, *clinic, date);
    if (!report) return fail(report.error());
    const PatientDay* p = nullptr;
    for (const auto& x : report->patients)
      if (x.mrn == *mrn && x.discipline == *discipline) p = &x;
    if (!p) return fail(ApiError{404, "patient_mrn", "no such patient-day on " + date});
    if (p->holdFlags.empty()) return fail(ApiError{409, "", "this patient-day is not held"});
    Reply r;
    json out{{"clinic", *clinic}, {"date", date}, {"patient_mrn", *mrn}, {"discipline", *discipline}};
    if (p->release) {  // already released for this content: the same release, nothing new stored
      out.update({{"id", p->release->id},
                  {"flags", p->release->flags},
                  {"reason", p->release->reason},
                  {"released_by", p->release->releasedByUser.empty()
                                      ? "token-" + std::to_string(p->release->releasedBy)
                                      : "user-" + p->release->releasedByUser},
                  {"released_at", p->release->releasedAt}});
      r.body = out.dump();
      return r;
    }
    const std::string at = nowUtc();
    auto id = db.addChargeRelease(ChargeReleaseRow{0, *clinic, date, *mrn, *discipline, p->contentHash,
                                                   json(p->holdFlags).dump(), *reason, who.tokenId, at});
    if (!id) return fail(id.error());
    out.update({{"id", id.value()},
                {"flags", p->holdFlags},
                {"reason", *reason},
                {"released_by", "token-" + std::to_string(who.tokenId)},
                {"released_at", at}});
    if (auto c = tx->commit(); !c) return fail(c.error());
    r.status = 201;
    r.body = out.dump();
    return r;
  }

  // The schema version read from the store through this thread's connection, or why it cannot be read,
  // in plain words (never a path).
  Result<int> databaseSchema() {
    auto dbr = connection();
    if (!dbr) return fail(ApiError{503, "", "the database cannot be opened"});
    return dbr.value()->checkHealth();
  }

  void routes() {
    auto& s = *http;

    // A load balancer's or monitor's probe: no token, and a real read of the store on this thread's
    // connection, never an answer from a cache (StoreConnection::checkHealth).
    s.Get("/api/v1/health", [this](const httplib::Request&, httplib::Response& res) {
      nlohmann::ordered_json out{{"status", "ok"}, {"api", "v1"}, {"version", kVersion}};
      auto schema = databaseSchema();
      if (schema) {
        out["schema"] = schema.value();
      } else {
        out["status"] = "unavailable";
        out["error"] = schema.error().message;
        res.status = 503;
      }
      res.set_header("Cache-Control", "no-store");
      res.set_content(out.dump(), "application/json");
    });

    // For the clinic's monitoring (Prometheus text format 0.0.4). It names devices and clinics, so it
    // needs a supervisor token valid for every clinic: a same-host TLS proxy would make every internet
    // client look like loopback, so the client's address proves nothing (docs/server.md).
    s.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
      handle(req, res, Access::kSupervisor, false,
             [&](StoreConnection& db, const Principal& p) -> Result<Reply> {
               if (!p.clinicId.empty()) {
                 return fail(ApiError{
                     403, "", "metrics cover every clinic: use a supervisor token made without --clinic"});
               }
               auto gauges = readStoreGauges(db);
               if (!gauges) return fail(gauges.error());
               Reply r;
               r.body = metrics.render(gauges.value());
               r.contentType = kMetricsContentType;
               r.headers.emplace("Cache-Control", "no-store");
               return r;
             });
    });

    s.Post("/api/v1/enroll", [this](const httplib::Request& req, httplib::Response& res) {
      if (!addressLimiter.take(req.remote_addr)) return sendError(res, tooManyFromAddress());
      auto parsed = parseJsonBody(req.body);
      if (!parsed) return sendError(res, parsed.error());
      json& body = parsed.value();
      if (!body.is_object()) return sendError(res, badRequest("", "the body is not a JSON object"));
      auto code = body.find("code");
      if (code == body.end() || !code->is_string() || code->get<std::string>().empty()) {
        return sendError(res, badRequest("code", "is required"));
      }
      std::string label;
      if (auto l = body.find("label"); l != body.end()) {
        if (!l->is_string() || l->get<std::string>().size() > 100) {
          return sendError(res, badRequest("label", "must be a string of at most 100 characters"));
        }
        const auto& text = l->get_ref<const std::string&>();
        if (std::any_of(text.begin(), text.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
          return sendError(res, badRequest("label", "must not hold control characters"));
        }
        label = l->get<std::string>();
      }
      auto dbr = connection();
      if (!dbr) return sendError(res, dbr.error());
      auto tx = StoreTransaction::begin(*dbr.value(), TransactionKind::kWrite);
      if (!tx) return sendError(res, tx.error());
      auto e = enrollDevice(*dbr.value(), code->get<std::string>(), label);
      if (!e) return sendError(res, e.error());
      if (auto c = tx->commit(); !c) return sendError(res, c.error());
      res.status = 201;
      res.set_header("X-Unitclock-Caller", "device-" + std::to_string(e->deviceId));
      res.set_content(wire::toJson(wire::Enrollment{e->deviceId, e->clinicId, e->token}).dump(),
                      "application/json");
    });

    s.Get("/api/v1/config", [this](const httplib::Request& req, httplib::Response& res) {
      handle(req, res, Access::kDevice, false, [&](StoreConnection& db, const Principal& p) -> Result<Reply> {
        std::string date =
            req.has_param("date") ? req.get_param_value("date") : clinicToday(db, p.clinicId, wallNow());
        if (!isCalendarDate(date)) return reject("date", "must be a date like 2026-11-26");
        auto doc = deviceConfig(db, p.clinicId, p.deviceId, date);
        if (!doc) return fail(doc.error());
        Reply r;
        r.headers.emplace("ETag", doc->etag);
        r.headers.emplace("Cache-Control", "no-cache");
        if (req.get_header_value("If-None-Match") == doc->etag) {
          r.status = 304;
          return r;
        }
        r.body = std::move(doc->body);
        return r;
      });
    });

    // A device's open and ended-but-unsigned sessions, sent with its syncs: the console lists them.
    s.Put("/api/v1/device/unsigned", [this](const httplib::Request& req, httplib::Response& res) {
      // A refused report is the device's bookkeeping, not a session upload: it is not a day's rejection.
      handle(req, res, Access::kDevice, false, [&](StoreConnection& db, const Principal& p) -> Result<Reply> {
        auto parsed = parseJsonBody(req.body);
        if (!parsed) return fail(parsed.error());
        auto rows = parseUnsignedReport(
            parsed.value(), p.deviceId, p.clinicId,
            wire::formatUtcTimestamp(std::chrono::floor<std::chrono::seconds>(wallNow())));
        if (!rows) return fail(rows.error());
        if (auto e = db.replaceDeviceUnsigned(p.deviceId, rows.value()); !e) return fail(e.error());
        Reply r;
        r.body = json{{"stored", rows->size()}}.dump();
        return r;
      });
    });

    s.Put(R"(/api/v1/sessions/([0-9A-Fa-f-]{36}))", [this](const httplib::Request& req,
                                                           httplib::Response& res) {
      std::optional<UploadOutcome> counted;  // counted once the answer is final (after the COMMIT)
      auto ingestOne = [&](StoreConnection& db, const Principal& p) -> Result<Reply> {
        auto parsed = parseJsonBody(req.body);
        if (!parsed) return fail(parsed.error());
        const json& j = parsed.value();
        auto upload = wire::parseSessionUpload(j, std::string(req.matches[1]));
        if (!upload) return fail(badRequest(upload.error()));
        auto clinic = loadReplayContext(db, p.clinicId);
        if (!clinic) return fail(clinic.error());
        auto replayed = replayUpload(clinic.value(), p, std::move(upload).value());
        if (!replayed) return fail(replayed.error());
        auto outcome = storeSession(db, p, *replayed, j, sha256Hex(j.dump()));
        if (!outcome) return fail(outcome.error());
        counted = outcomeOf(outcome->result);
        Reply r;
        r.status = outcome->result == IngestResult::kUnchanged ? 200 : 201;
        r.body = wire::toJson(wire::UploadAnswer{
                                  replayed->id, r.status, outcome->revision, toWire(outcome->result), {}, {}})
                     .dump();
        return r;
      };
      handle(req, res, Access::kDevice, true, [&](StoreConnection& db, const Principal& p) -> Result<Reply> {
        auto r = ingestOne(db, p);
        if (!r && r.error().status >= 400 && r.error().status < 500)
          counted = refusalOutcome(r.error().status);
        return r;
      });
      if (counted && res.status < 500) metrics.countIngest(*counted);
    });

    // Several uploads in one request and one transaction (one fsync): how a device catches up.
    s.Post("/api/v1/sessions/batch", [this](const httplib::Request& req, httplib::Response& res) {
      std::vector<UploadOutcome> counted;  // one per item; counted when the batch was answered 200
      json j;
      const json* items = nullptr;
      // Read after the token was checked: an unknown caller's body is never parsed.
      auto prepare = [&]() -> Result<double> {
        auto parsed = parseJsonBody(req.body);
        if (!parsed) return fail(parsed.error());
        j = std::move(parsed).value();
        if (!j.is_object()) return reject("", "the body is not a JSON object");
        if (auto unknown = std::find_if(j.items().begin(), j.items().end(),
                                        [](const auto& kv) { return kv.key() != "sessions"; });
            unknown != j.items().end()) {
          return reject(unknown.key(), "is not a field of API v1");
        }
        auto it = j.find("sessions");
        if (it == j.end() || !it->is_array()) return reject("sessions", "must be an array");
        if (it->empty() || it->size() > kMaxBatch)
          return reject("sessions", "must hold 1 to " + std::to_string(kMaxBatch) + " sessions");
        items = &*it;
        return static_cast<double>(items->size());
      };
      handle(
          req, res, Access::kDevice, false,
          [&](StoreConnection& db, const Principal& p) -> Result<Reply> {
            wire::BatchAnswer answer;
            std::optional<ReplayContext> clinic;  // read at the first item that needs it
            for (std::size_t i = 0; i < items->size(); ++i) {
              const json& item = (*items)[i];
              std::string id;
              if (item.is_object() && item.contains("id") && item["id"].is_string())
                id = item["id"].get<std::string>();
              if (!isSessionId(id)) id.clear();  // a malformed id is never echoed or stored
              if (auto sp = db.savepoint("item"); !sp) return fail(sp.error());
              Result<IngestOutcome> outcome = [&]() -> Result<IngestOutcome> {
                if (!isSessionId(id))
                  return reject("sessions[" + std::to_string(i) + "].id", "must be a session UUID");
                auto upload = wire::parseSessionUpload(item, id);
                if (!upload) return fail(badRequest(upload.error()));
                if (!clinic) {
                  auto loaded = loadReplayContext(db, p.clinicId);
                  if (!loaded) return fail(loaded.error());
                  clinic = std::move(loaded).value();
                }
                auto replayed = replayUpload(*clinic, p, std::move(upload).value());
                if (!replayed) return fail(replayed.error());
                return storeSession(db, p, *replayed, item, sha256Hex(item.dump()));
              }();
              if (!outcome) {
                const ApiError& e = outcome.error();
                if (e.status >= 500) return fail(e);  // the store failed: the whole batch is retried
                (void)db.rollbackToSavepoint("item");
                recordRejection(db, p, isSessionId(id) ? id : std::string(), e, &item);
                answer.results.push_back({id, e.status, 0, std::nullopt, e.field, e.message});
                counted.push_back(refusalOutcome(e.status));
              } else {
                counted.push_back(outcomeOf(outcome->result));
                answer.results.push_back({id,
                                          outcome->result == IngestResult::kUnchanged ? 200 : 201,
                                          outcome->revision,
                                          toWire(outcome->result),
                                          {},
                                          {}});
              }
              if (auto rel = db.releaseSavepoint("item"); !rel) return fail(rel.error());
            }
            Reply r;
            r.body = wire::toJson(answer).dump();
            return r;
          },
          prepare);
      if (res.status == 200)
        for (auto o : counted) metrics.countIngest(o);
    });

    s.Get(R"(/api/v1/sessions/([0-9A-Fa-f-]{36}))",
          [this](const httplib::Request& req, httplib::Response& res) {
            handle(req, res, Access::kSupervisor, false,
                   [&](StoreConnection& db, const Principal& p) -> Result<Reply> {
                     std::string id = req.matches[1];
                     auto found = db.findSession(id);
                     if (!found) return fail(found.error());
                     if (!found.value()) return fail(ApiError{404, "", "no session " + id});
                     const StoredSession& stored = *found.value();
                     if (!p.clinicId.empty() && stored.clinicId != p.clinicId) {
                       return fail(ApiError{403, "", "this token is not valid for that session's clinic"});
                     }
                     json out{{"id", id},
                              {"clinic", stored.clinicId},
                              {"revision", stored.revision},
                              {"status", stored.status},
                              {"device_id", stored.deviceId},
                              {"received_at", stored.receivedAt}};
                     json revisions = json::array();
                     auto history = db.listRevisions(id);
                     if (!history) return fail(history.error());
                     for (const auto& h : history.value()) {
                       revisions.push_back({{"revision", h.revision},
                                            {"reason", h.reason},
                                            {"device_id", h.deviceId},
                                            {"received_at", h.receivedAt}});
                       if (h.revision == stored.revision) out["session"] = json::parse(h.body);
                     }
                     out["revisions"] = revisions;
                     Reply r;
                     r.body = out.dump();
                     return r;
                   });
          });

    auto day = [this](Access access, auto render) {
      return [this, access, render](const httplib::Request& req, httplib::Response& res) {
        handle(req, res, access, false, [&](StoreConnection& db, const Principal& p) -> Result<Reply> {
          std::string date = req.matches[1];
          if (!isCalendarDate(date)) return reject("date", "must be a real date like 2026-11-26");
          auto clinic = clinicFor(p, req.has_param("clinic") ? req.get_param_value("clinic") : "");
          if (!clinic) return fail(clinic.error());
          if (p.role == Role::kDevice) {
            // A kiosk shows today's and yesterday's day: a stolen token reads no further back.
            const auto today = clinicToday(db, *clinic, wallNow());
            if (date != today && date != dayBefore(today)) {
              return fail(
                  ApiError{403, "date", "a device token reads the clinic's today and yesterday only"});
            }
          }
          auto report = loadDay(db, *clinic, date);
          if (!report) return fail(report.error());
          return render(req, *report);
        });
      };
    };
    s.Get(R"(/api/v1/days/(\d{4}-\d{2}-\d{2})/summary)",
          day(Access::kDeviceOrSupervisor, [](const httplib::Request&, const DayReport& r) {
            Reply reply;
            reply.body = toJson(r).dump();
            return Result<Reply>(reply);
          }));
    s.Get(R"(/api/v1/days/(\d{4}-\d{2}-\d{2})/charges\.csv)",
          day(Access::kSupervisor, [](const httplib::Request& req, const DayReport& r) -> Result<Reply> {
            auto csv = chargesCsv(r, CsvOptions{flagParam(req, "bom")});
            if (!csv) return fail(csv.error());
            Reply reply;
            reply.body = std::move(csv).value();
            reply.contentType = "text/csv; charset=utf-8";
            reply.headers.emplace("Content-Disposition",
                                  "attachment; filename=\"charges-" + r.date + ".csv\"");
            return Result<Reply>(reply);
          }));
    s.Get(R"(/api/v1/days/(\d{4}-\d{2}-\d{2})/charges\.hl7)",
          day(Access::kSupervisor, [this](const httplib::Request& req, const DayReport& r) -> Result<Reply> {
            auto hl7 = chargesHl7(r, Hl7Options{wallNow(), options.hl7ProcessingId, flagParam(req, "batch")});
            if (!hl7) return fail(hl7.error());
            Reply reply;
            reply.body = std::move(hl7).value();
            reply.contentType = "application/hl7-v2; charset=utf-8";
            reply.headers.emplace("Content-Disposition",
                                  "attachment; filename=\"charges-" + r.date + ".hl7\"");
            return Result<Reply>(reply);
          }));
    s.Get(R"(/api/v1/days/(\d{4}-\d{2}-\d{2})/charges\.json)",
          day(Access::kSupervisor, [](const httplib::Request&, const DayReport& r) -> Result<Reply> {
            auto fhir = chargesFhir(r, wallNow());
            if (!fhir) return fail(fhir.error());
            Reply reply;
            reply.body = std::move(fhir).value();
            reply.contentType = "application/fhir+json";
            return reply;
          }));

    // A supervisor releases a held patient-day with a reason; the release is its audit record and holds
    // while the patient-day's content is unchanged (docs/sync-api.md, "Held charges").
    s.Post(R"(/api/v1/days/(\d{4}-\d{2}-\d{2})/release)",
           [this](const httplib::Request& req, httplib::Response& res) {
             auto dbr = connection();
             if (!dbr) return sendError(res, dbr.error());
             StoreConnection& db = *dbr.value();
             auto who = authenticate(db, req.get_header_value("Authorization"));
             if (!who) return sendError(res, who.error());
             if (who->role != Role::kSupervisor) {
               return sendError(res, ApiError{403, "", "this endpoint needs a supervisor token"});
             }
             res.set_header("X-Unitclock-Caller", "token-" + std::to_string(who->tokenId));
             auto reply = releaseHeld(db, *who, req.matches[1], req.body);
             if (!reply) return sendError(res, reply.error());
             send(res, *reply);
           });

    // The web console: its page at / and its API under /console/api/ (docs/console.md).
    console::ConsoleContext consoleContext;
    consoleContext.settings.idleLogoff = options.consoleIdle;
    consoleContext.settings.secureCookie = tls;
    consoleContext.connection = [this] { return connection(); };
    consoleContext.allowFailedSignIn = [this](const std::string& address) {
      return addressLimiter.take(address);
    };
    consoleContext.hl7ProcessingId = options.hl7ProcessingId;
    consoleRoutes = console::mountConsole(s, consoleContext);

    // Before any body is read: refuse chunked bodies (their length is unknown until read) and bodies over
    // --max-body, and check the token of anything that carries a body, so an unknown caller's body is
    // never read. A refusal closes the connection: the unread body cannot be taken for a request.
    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      t_preAuth.reset();
      gzipOnly(const_cast<httplib::Request&>(req));  // the server's own request object, not a const one
      auto refuse = [&](const ApiError& e) {
        sendError(res, e);
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
      };
      if (req.has_header("Transfer-Encoding")) {
        return refuse(
            ApiError{411, "", "send the body with a Content-Length; chunked bodies are not accepted"});
      }
      std::size_t length = 0;
      if (req.has_header("Content-Length")) {
        const auto text = req.get_header_value("Content-Length");
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
        if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
          return refuse(badRequest("", "the Content-Length is not a number"));
        }
      }
      if (length > options.maxBodyBytes) {
        return refuse(ApiError{413, "",
                               "the body is larger than this server accepts (" +
                                   std::to_string(options.maxBodyBytes) + " bytes)"});
      }
      // The web console signs in by cookie (console_routes.cpp), and its bodies are small.
      if (console::isConsolePath(req.path)) {
        if (length > kMaxConsoleBody)
          return refuse(ApiError{413, "", "the body is larger than the console sends"});
        return httplib::Server::HandlerResponse::Unhandled;
      }
      const bool open = req.path == "/api/v1/health" || req.path == "/api/v1/enroll";
      if (!open && length > 0) {
        auto dbr = connection();
        if (!dbr) return refuse(dbr.error());
        const auto header = req.get_header_value("Authorization");
        auto who = authenticate(*dbr.value(), header);
        if (!who) {
          if (who.error().status < 500 && !addressLimiter.take(req.remote_addr))
            return refuse(tooManyFromAddress());
          return refuse(who.error());
        }
        t_preAuth = PreAuth{header, std::move(who).value()};
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });

    s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return;
      std::string message = res.status == 413   ? "the body is larger than this server accepts"
                            : res.status == 404 ? "no such endpoint"
                            : res.status == 405 ? "method not allowed"
                                                : "the request could not be handled";
      res.set_content(errorBody(ApiError{res.status, "", message}), "application/json");
    });
    s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      res.status = 500;
      res.set_content(errorBody(ApiError{500, "", "internal error"}), "application/json");
    });
    // No PHI in logs: method, path (ids and dates only, never a query string or a body), status, caller.
    s.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      auto caller = res.get_header_value("X-Unitclock-Caller");
      metrics.countRequest(req.method, req.path, res.status);
      // A 429 with a known caller came from its token's bucket; without one, from the per-address limit.
      if (res.status == 429)
        metrics.countRateLimited(caller.empty() ? RateLimit429::address : RateLimit429::token);
      std::fprintf(stderr, "%s %s %d %s\n", loggedPath(req.method).c_str(), loggedPath(req.path).c_str(),
                   res.status, caller.empty() ? "-" : caller.c_str());
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::create(const ServeOptions& options) {
  if (options.tlsCert.empty() != options.tlsKey.empty()) {
    return fail(ApiError{400, "tls", "--tls-cert and --tls-key go together"});
  }
  auto store = openServerStore(StoreOptions{options.dataDir, options.databaseUrl});
  if (!store) return fail(store.error());
  if (auto checked = store.value()->checkIntegrity(); !checked) return fail(checked.error());
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->store = std::move(store).value();
  if (!options.tlsCert.empty()) {
    auto ssl = std::make_unique<httplib::SSLServer>(options.tlsCert.c_str(), options.tlsKey.c_str());
    if (!ssl->is_valid()) {
      return fail(ApiError{
          400, "tls",
          "cannot load the TLS certificate or key (" + options.tlsCert + ", " + options.tlsKey + ")"});
    }
    impl->http = std::move(ssl);
    impl->tls = true;
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  impl->http->set_tcp_nodelay(true);  // without it every request waits ~40 ms for delayed ACKs
  // The listening socket: SO_REUSEADDR only (cpp-httplib's default, SO_REUSEPORT, would let another
  // process of the same user bind the same port and take connections), and its fd kept so that bind()
  // can lengthen the accept queue.
  impl->http->set_socket_options([raw = impl.get()](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    raw->listenFd = sock;
  });
  impl->http->set_payload_max_length(options.maxBodyBytes);
  impl->http->set_read_timeout(std::chrono::seconds{30});
  impl->http->set_keep_alive_max_count(1000);
  impl->http->set_keep_alive_timeout(3);  // seconds an idle device connection is kept; also bounds shutdown
  const int threads = options.threads > 0 ? options.threads : 8;
  const std::size_t maxConnections = std::max<std::size_t>(options.maxConnections, threads);
  impl->http->new_task_queue = [threads, maxConnections] {
    return new ConnectionThreads(static_cast<std::size_t>(threads), maxConnections);
  };
  impl->routes();
  impl->startWriter();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

Result<int> HttpServer::bind() {
  int port =
      m_impl->options.port == 0
          ? m_impl->http->bind_to_any_port(m_impl->options.host)
          : (m_impl->http->bind_to_port(m_impl->options.host, m_impl->options.port) ? m_impl->options.port
                                                                                    : -1);
  if (port <= 0) {
    return fail(
        ApiError{500, "listen",
                 "cannot listen on " + m_impl->options.host + ":" + std::to_string(m_impl->options.port)});
  }
  // Debian's libcpp-httplib is built with an accept queue of 5: a burst of new connections (kiosks waking
  // at once, or clients holding connections open) overflows it, and the kernel drops SYNs that clients
  // resend only after 1 s. Listening again on the bound socket sets a longer queue (capped by somaxconn).
  if (m_impl->listenFd >= 0) ::listen(m_impl->listenFd, kListenBacklog);
  m_impl->port = port;
  return port;
}

void HttpServer::run() {
  m_impl->http->listen_after_bind();
}
void HttpServer::stop() {
  m_impl->http->stop();
}

std::string HttpServer::url() const {
  std::string host = m_impl->options.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(m_impl->tls ? "https" : "http") + "://" + host + ":" + std::to_string(m_impl->port);
}

}  // namespace unitclock::server
