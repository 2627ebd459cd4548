#pragma once
// The web console on HTTP (docs/console.md): its page and assets at `/` and `/console/`, and its JSON API
// under `/console/api/`, signed in by cookie with a CSRF token on every state change. routes.cpp mounts it
// on the server's one httplib::Server.

#include <unitclock/server/console.h>
#include <unitclock/server/store.h>
#include <functional>
#include <memory>
#include <string>

namespace httplib {
class Server;
}

namespace unitclock::server::console {

struct ConsoleContext {
  ConsoleSettings settings;
  std::function<Result<StoreConnection*>()> connection;               // this thread's store connection
  std::function<bool(const std::string& address)> allowFailedSignIn;  // the per-address limit
  std::string hl7ProcessingId = "P";
};

// The handlers point into what it returns: keep that as long as the server serves.
[[nodiscard]] std::shared_ptr<void> mountConsole(httplib::Server& server, const ConsoleContext& context);

// True for the paths the console serves (they authenticate by cookie, not by bearer token).
bool isConsolePath(const std::string& path);

}  // namespace unitclock::server::console
