#pragma once
// SyncOutbox over the device store file: the worker thread opens its own DeviceStore connection (WAL lets
// it work beside the app's). Each outbox entry is uploaded as the session's log up to the signature of
// that revision (or up to its void, when the session was voided during that revision: docs/sync-api.md,
// "Revisions and voids"), so a later correction never changes what revision N said. After the server accepts
// the latest revision, a session_synced event is appended (the store's retention purges only synced
// sessions), in the same transaction that marks the outbox entry sent. The configuration (wire::DeviceConfig,
// kept only when it parses) is cached in the store's settings (sync_config, sync_config_etag), its roster
// replaces the store's roster, and uploads are described with its billing rules (wire::rulesOf: the
// clinic's payer profiles and catalog, as the server bills), the built-in ones before the first arrives.

#include <unitclock/core/clock.h>
#include <unitclock/platform/sync_worker.h>
#include <memory>
#include <string>

namespace unitclock::platform {

class DeviceStoreOutbox final : public SyncOutbox {
 public:
  // `clock` is the app's clock (the same one that stamps the session events); it must outlive this.
  DeviceStoreOutbox(std::string storePath, const core::Clock& clock);
  ~DeviceStoreOutbox() override;

  std::optional<PendingUpload> nextUpload(std::string& error) override;
  std::vector<PendingUpload> nextUploads(std::size_t max, std::string& error) override;
  std::size_t pendingCount() override;
  bool markUploaded(const PendingUpload& upload) override;
  // One store transaction for the whole batch: each entry marked sent, and each session whose latest
  // revision this was gets its session_synced event. If the app records an event into one of those
  // sessions meanwhile, nothing is stored and the batch is rebuilt from the store (up to 3 tries).
  bool markAllUploaded(const std::vector<PendingUpload>& uploads) override;
  bool markRejected(const PendingUpload& upload, int httpStatus, const std::string& message) override;
  std::string configEtag() override;
  bool saveConfig(const std::string& json, const std::string& etag) override;
  std::string today() override;
  // Sessions opened in the last kUnsignedReportDays that are open or ended (not signed, not voided).
  std::optional<std::string> unsignedReport() override;
  static constexpr int kUnsignedReportDays = 14;

  // Setting keys used in the device store.
  static constexpr const char* kConfigSetting = "sync_config";
  static constexpr const char* kConfigEtagSetting = "sync_config_etag";

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace unitclock::platform
