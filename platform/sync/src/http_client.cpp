#include <curl/curl.h>

#include <unitclock/platform/http_client.h>
#include <unitclock/version.h>
#include <algorithm>
#include <cctype>
#include <mutex>

namespace unitclock::platform {
namespace {

// "unitclock/0.1.0": which app version a device runs, for the billing server's administrators.
const std::string kUserAgent = std::string("unitclock/") + kVersion;

using core::fail;

void globalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStrDeleter {
  void operator()(char* s) const { curl_free(s); }
};

std::size_t onBody(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after 100-continue or a redirect)
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    (*headers)[name] = std::string(value);
  }
  return size * n;
}

HttpErrc classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return HttpErrc::kTimeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return HttpErrc::kCannotConnect;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
      return HttpErrc::kTls;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return HttpErrc::kInvalidUrl;
    default:
      return HttpErrc::kTransfer;
  }
}

}  // namespace

std::string_view toString(HttpErrc errc) noexcept {
  switch (errc) {
    case HttpErrc::kInvalidUrl:
      return "invalid_url";
    case HttpErrc::kInsecureRefused:
      return "insecure_refused";
    case HttpErrc::kCannotConnect:
      return "cannot_connect";
    case HttpErrc::kTimeout:
      return "timeout";
    case HttpErrc::kTls:
      return "tls";
    case HttpErrc::kTransfer:
      return "transfer";
  }
  return "transfer";
}

bool isLoopbackHost(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost" || host == "::1") return true;
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 3;
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

struct HttpClient::Impl {
  HttpClientOptions options;
  std::unique_ptr<CURL, CurlDeleter> curl;

  core::Result<HttpResponse, HttpError> perform(const char* method, std::string_view path,
                                                const std::string* body,
                                                const std::map<std::string, std::string>& extra) {
    CURL* c = curl.get();
    curl_easy_reset(c);  // keeps the connection cache, clears per-request options
    std::string url = options.baseUrl;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += path;
    HttpResponse response;
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    auto add = [&](const std::string& h) { headers.reset(curl_slist_append(headers.release(), h.c_str())); };
    if (!options.bearerToken.empty()) add("Authorization: Bearer " + options.bearerToken);
    add("Accept: application/json");
    for (const auto& [k, v] : extra) add(k + ": " + v);
    if (body) {
      add("Content-Type: application/json");
      add("Expect:");  // no 100-continue round trip
    }
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_USERAGENT, kUserAgent.c_str());  // the server's device list shows it
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options.caFile.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.caFile.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connectTimeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    } else {
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      return fail(HttpError{classify(rc), std::string(method) + " " +
                                              std::string(path.substr(0, path.find('?'))) + ": " +
                                              curl_easy_strerror(rc)});
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

core::Result<HttpClient, HttpError> HttpClient::create(HttpClientOptions options) {
  globalInit();
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (!url || curl_url_set(url.get(), CURLUPART_URL, options.baseUrl.c_str(), 0) != CURLUE_OK) {
    return fail(
        HttpError{HttpErrc::kInvalidUrl, "the server address '" + options.baseUrl + "' is not a URL"});
  }
  char* raw = nullptr;
  curl_url_get(url.get(), CURLUPART_SCHEME, &raw, 0);
  std::unique_ptr<char, CurlStrDeleter> scheme(raw);
  raw = nullptr;
  curl_url_get(url.get(), CURLUPART_HOST, &raw, 0);
  std::unique_ptr<char, CurlStrDeleter> host(raw);
  std::string s = scheme ? scheme.get() : "";
  std::string h = host ? host.get() : "";
  if (s != "http" && s != "https") {
    return fail(HttpError{HttpErrc::kInvalidUrl,
                          "the server address must start with https:// (or http:// for loopback)"});
  }
  if (s == "http" && !options.allowInsecureHttp && !isLoopbackHost(h)) {
    return fail(
        HttpError{HttpErrc::kInsecureRefused,
                  "plain http to " + h + " is refused: use https, or set the explicit insecure option"});
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->curl.reset(curl_easy_init());
  if (!impl->curl) return fail(HttpError{HttpErrc::kTransfer, "libcurl could not start"});
  return HttpClient(std::move(impl));
}

core::Result<HttpResponse, HttpError> HttpClient::get(std::string_view path,
                                                      const std::map<std::string, std::string>& headers) {
  return m_impl->perform("GET", path, nullptr, headers);
}

core::Result<HttpResponse, HttpError> HttpClient::put(std::string_view path, std::string_view jsonBody,
                                                      const std::map<std::string, std::string>& headers) {
  std::string body(jsonBody);
  return m_impl->perform("PUT", path, &body, headers);
}

core::Result<HttpResponse, HttpError> HttpClient::post(std::string_view path, std::string_view jsonBody,
                                                       const std::map<std::string, std::string>& headers) {
  std::string body(jsonBody);
  return m_impl->perform("POST", path, &body, headers);
}

void HttpClient::setBearerToken(std::string token) {
  m_impl->options.bearerToken = std::move(token);
}
const HttpClientOptions& HttpClient::options() const {
  return m_impl->options;
}

}  // namespace unitclock::platform
