#pragma once
// One presenter per screen (beside screens/<screen>_screen.cpp): its own state, `build()` of its view
// from memory, and `apply()` of the intents its screen emits. The router (controller.h) picks the
// presenter of the current screen; what each intent needs is checked before (access.h).

#include <optional>
#include <string>
#include <vector>

#include "context.h"

namespace unitclock::app {

class Presenter {
 public:
  Presenter(KioskContext& ctx, Navigator& nav) : m_ctx(ctx), m_nav(nav) {}
  virtual ~Presenter() = default;
  Presenter(const Presenter&) = delete;
  Presenter& operator=(const Presenter&) = delete;
  // The screen is shown again (from another screen): forget the half-done steps of last time.
  virtual void enter() {}
  virtual void apply(const Intent& intent) = 0;

 protected:
  KioskContext& m_ctx;
  Navigator& m_nav;
};

class SetupPresenter final : public Presenter {
 public:
  using Presenter::Presenter;
  [[nodiscard]] SetupView build() const;
  void apply(const Intent& intent) override;

 private:
  void submit();
  std::string m_name, m_pin, m_pinConfirm;
};

class LockPresenter final : public Presenter {
 public:
  using Presenter::Presenter;
  [[nodiscard]] LockView build() const;
  void apply(const Intent& intent) override;
};

class PinPresenter final : public Presenter {
 public:
  using Presenter::Presenter;
  [[nodiscard]] PinView build() const;
  void apply(const Intent& intent) override;
  void begin(PinRequest request);
  [[nodiscard]] bool forLogin() const { return m_request.purpose == PinPurpose::kLogin; }

 private:
  void submit();
  void finishSignOrVoid(const platform::Clinician& c);
  PinRequest m_request;
  std::string m_pin;
};

class HomePresenter final : public Presenter {
 public:
  using Presenter::Presenter;
  [[nodiscard]] HomeView build() const;
  void apply(const Intent& intent) override;
};

class NewSessionPresenter final : public Presenter {
 public:
  using Presenter::Presenter;
  [[nodiscard]] NewSessionView build() const;
  void apply(const Intent& intent) override;
  void enter() override;

 private:
  void start();
  std::vector<std::pair<std::string, std::string>> diagnosisChoices() const;
  bool mayStart(core::Discipline d) const;  // the role's own discipline; supervisors any (core/role.h)
  // This patient's other session of the discipline today (nullptr: none), voided ones aside.
  const core::Session* earlierToday() const;
  std::string m_mrn, m_initials, m_payer = "medicare";
  core::Discipline m_discipline = core::Discipline::ot;
  std::vector<std::string> m_diagnoses;
  bool m_telehealth = false;
  bool m_confirmRepeat = false;  // "Start session" was tapped once for a patient already seen today
};

// A session's untimed services as rows ("97165 OT evaluation, low · 30 min"), for Session and Review.
std::vector<UntimedRowView> untimedRows(const KioskContext& ctx, const core::SessionSummary& sum);

// The clinic's diagnosis favourites (Settings), or the built-in list: code and label.
std::vector<std::pair<std::string, std::string>> diagnosisFavourites(const KioskSettings& settings);

class SessionPresenter final : public Presenter {
 public:
  using Presenter::Presenter;
  [[nodiscard]] SessionView build() const;
  void apply(const Intent& intent) override;
  void enter() override;
  void resetPerformer() { m_performer = core::Performer::therapist; }
  // Locked: the untimed-service panel and "End this session?" close (they need the PIN).
  void closePanels() {
    m_untimedOpen = false;
    m_confirmEnd = false;
  }

 private:
  void event(core::Event e);
  // Who else this clinician is in one-on-one with right now, on this device ("" when nobody).
  [[nodiscard]] std::string oneOnOneElsewhere(const std::string& clinicianId, core::Instant now) const;
  bool m_pauseOpen = false;
  bool m_confirmEnd = false;
  bool m_untimedOpen = false;
  int m_untimedMinutes = 0;  // the panel's minutes; 0 until the clinician sets them
  core::Performer m_performer = core::Performer::therapist;
};

class ReviewPresenter final : public Presenter {
 public:
  using Presenter::Presenter;
  [[nodiscard]] ReviewView build() const;
  void apply(const Intent& intent) override;
  void enter() override;
  void openVoidPanel(std::string reason);

 private:
  enum class Panel { kNone, kCorrect, kVoid };
  void event(core::Event e);
  void buildEdit(SegmentEditView& e, const core::Session& s, const core::SessionSummary& sum) const;
  // The event Save would record for the open segment edit (nullopt: none open, or its segment is gone).
  [[nodiscard]] std::optional<core::Event> pendingEdit(const core::Session& s, const core::Instant& now,
                                                       const std::string& who) const;
  [[nodiscard]] bool segmentEditOpen() const { return m_editIndex >= 0 || m_adding; }
  void closeSegmentEdit() {
    m_editIndex = -1;
    m_adding = false;
  }
  int m_editIndex = -1;
  bool m_adding = false;  // a missed segment being added
  intent::EditKind m_editKind = intent::EditKind::kTimes;
  intent::SegmentEnd m_editTarget = intent::SegmentEnd::kStart;  // what the picker moves
  core::WallTime m_editStart{}, m_editEnd{}, m_splitAt{};
  std::string m_editCode;
  core::Performer m_editPerformer = core::Performer::therapist;
  void saveUntimed(const core::Session& s, const core::Instant& now, const std::string& who);
  int m_untimedIndex = -1;  // the untimed service being changed (-1: none)
  int m_untimedMinutes = 0;
  std::string m_editReason;
  Panel m_panel = Panel::kNone;
  std::string m_correctionReason;
};

class SupervisorPresenter final : public Presenter {
 public:
  using Presenter::Presenter;
  [[nodiscard]] SupervisorView build() const;
  void apply(const Intent& intent) override;
};

class EventsPresenter final : public Presenter {
 public:
  using Presenter::Presenter;
  [[nodiscard]] EventsView build() const;
  void apply(const Intent& intent) override;
  void show(std::string sessionId) { m_sessionId = std::move(sessionId); }

 private:
  std::string m_sessionId;
};

class SettingsPresenter final : public Presenter {
 public:
  using Presenter::Presenter;
  [[nodiscard]] SettingsView build() const;
  void apply(const Intent& intent) override;
  void enter() override;
  // An enrollment in flight has finished (empty error: it worked).
  void enrollFinished(const std::string& error);

 private:
  void saveClinicRoom();
  std::string m_enrollCode;
  std::string m_clinicEdit, m_roomEdit;  // as typed so far (administrators)
};

class AddClinicianPresenter final : public Presenter {
 public:
  using Presenter::Presenter;
  [[nodiscard]] AddClinicianView build() const;
  void apply(const Intent& intent) override;
  void enter() override;

 private:
  void save();
  std::string m_name, m_pin, m_role = "OT";
};

// [SECTION] Typing (typing.cpp): the on-screen keys and a physical keyboard, per field.

// Appends what `field` accepts of `text` (digits for PINs, capitals for an MRN, ...).
void typeInto(Field field, std::string& target, const std::string& text);
// Removes the last character (a whole UTF-8 character for free text).
void deleteFrom(Field field, std::string& target);
// The typing intents of a screen with text fields: Focus moves `focus`, KeyText and KeyDelete edit
// `focused` (the text of the focused field, or null when no field of the screen has the focus).
// Returns false for any other intent, for the screen to handle.
bool applyTyping(Field& focus, const Intent& intent, std::string* focused);

}  // namespace unitclock::app
