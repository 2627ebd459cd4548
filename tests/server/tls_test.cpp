// HTTPS between a device and unitclock-server, with a clinic's own CA made in the test (openssl CLI).
#include <gtest/gtest.h>

#include <unitclock/platform/http_client.h>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "server_process.h"

namespace unitclock::server {
namespace {

using platform::HttpClient;
using platform::HttpClientOptions;
using platform::HttpErrc;

void run(const std::string& cmd) {
  ASSERT_EQ(std::system((cmd + " >/dev/null 2>&1").c_str()), 0) << cmd;
}

// A CA, a server certificate for localhost/127.0.0.1 signed by it, and an unrelated self-signed CA.
struct Pki {
  testing::TempDir dir;
  std::string ca, cert, key, otherCa;
  Pki() {
    auto d = dir.path().string();
    ca = d + "/ca.pem";
    cert = d + "/server.pem";
    key = d + "/server.key";
    otherCa = d + "/other-ca.pem";
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    run("openssl req -x509 " + ec + " -keyout " + d + "/ca.key -out " + ca +
        " -days 2 -subj '/CN=Unitclock Test Clinic CA' -addext basicConstraints=critical,CA:TRUE"
        " -addext keyUsage=critical,keyCertSign,cRLSign");
    run("openssl req " + ec + " -keyout " + key + " -out " + d + "/server.csr -subj /CN=localhost");
    std::ofstream(d + "/ext.cnf") << "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n";
    run("openssl x509 -req -in " + d + "/server.csr -CA " + ca + " -CAkey " + d +
        "/ca.key -CAcreateserial -out " + cert + " -days 2 -extfile " + d + "/ext.cnf");
    run("openssl req -x509 " + ec + " -keyout " + d + "/other.key -out " + otherCa +
        " -days 2 -subj '/CN=Someone Else'");
  }
};

class Tls : public ::testing::Test {
 protected:
  Pki pki;
  testing::Clinic clinic;
  std::unique_ptr<testing::ServerProcess> server;
  void SetUp() override {
    server = std::make_unique<testing::ServerProcess>(
        clinic.dataDir, std::vector<std::string>{"--tls-cert", pki.cert, "--tls-key", pki.key});
  }
  std::string httpsUrl(const std::string& host) {
    return "https://" + host + ":" + std::to_string(server->port());
  }
};

TEST_F(Tls, ServerPrintsAnHttpsAddress) {
  EXPECT_EQ(server->url().rfind("https://127.0.0.1:", 0), 0u);
}

TEST_F(Tls, DeviceEnrollsOverHttpsWhenItTrustsTheClinicCa) {
  for (std::string host : {"127.0.0.1", "localhost"}) {
    HttpClientOptions o;
    o.baseUrl = httpsUrl(host);
    o.caFile = pki.ca;
    auto c = HttpClient::create(o);
    ASSERT_TRUE(c.ok());
    auto r = c->get("/api/v1/health");
    ASSERT_TRUE(r.ok()) << host << ": " << r.error().message;
    EXPECT_EQ(r->status, 200);
  }
  HttpClientOptions o;
  o.baseUrl = httpsUrl("127.0.0.1");
  o.caFile = pki.ca;
  auto c = HttpClient::create(o);
  auto r = c->post("/api/v1/enroll", nlohmann::json{{"code", clinic.enrollCode}}.dump());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201);
}

TEST_F(Tls, DeviceRefusesAServerItCannotVerify) {
  for (const std::string& caFile : {std::string(), pki.otherCa}) {
    HttpClientOptions o;
    o.baseUrl = httpsUrl("127.0.0.1");
    o.caFile = caFile;  // empty: the system store, which does not know the clinic's CA
    auto c = HttpClient::create(o);
    ASSERT_TRUE(c.ok());
    auto r = c->get("/api/v1/health");
    ASSERT_FALSE(r.ok()) << "connected without verifying the server (ca: '" << caFile << "')";
    EXPECT_EQ(r.error().errc, HttpErrc::kTls) << r.error().message;
  }
}

TEST_F(Tls, PlainHttpToAnHttpsServerFailsWithoutLeakingTheToken) {
  HttpClientOptions o;
  o.baseUrl = "http://127.0.0.1:" + std::to_string(server->port());
  o.bearerToken = "uct_secret";
  auto c = HttpClient::create(o);
  ASSERT_TRUE(c.ok());
  auto r = c->get("/api/v1/config");
  EXPECT_TRUE(!r.ok() || r->status >= 400);
}

TEST(HttpClientPolicy, PlainHttpOnlyToLoopbackUnlessExplicitlyAllowed) {
  HttpClientOptions o;
  o.baseUrl = "http://192.0.2.10:8470";
  auto refused = HttpClient::create(o);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().errc, HttpErrc::kInsecureRefused);
  o.allowInsecureHttp = true;
  EXPECT_TRUE(HttpClient::create(o).ok());
  for (std::string url :
       {"http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "https://billing.example"}) {
    HttpClientOptions ok;
    ok.baseUrl = url;
    EXPECT_TRUE(HttpClient::create(ok).ok()) << url;
  }
  HttpClientOptions bad;
  bad.baseUrl = "ftp://billing.example";
  EXPECT_EQ(HttpClient::create(bad).error().errc, HttpErrc::kInvalidUrl);
  EXPECT_FALSE(platform::isLoopbackHost("127.0.0.1.evil.example"));
}

}  // namespace
}  // namespace unitclock::server
