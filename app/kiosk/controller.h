#pragma once
// The router: which screen is shown, navigation between screens, and the frame deadlines. Each screen's
// state, view and intents live in its presenter (presenters/); what an intent needs is checked here
// against access.h before the presenter sees it. The domain state lives in core::Session objects
// restored from, and written through to, the device store: every event is committed to the store
// before the model (and so the screen) shows it.

#include <chrono>
#include <optional>
#include <string>

#include "presenters/presenters.h"

namespace unitclock::app {

class Controller final : private Navigator {
 public:
  Controller(platform::DeviceStore& store, const core::Clock& clock, ControllerOptions options = {});

  // Reads settings, the roster and every session that is not final; error text for the error screen.
  core::Result<void, std::string> load();

  [[nodiscard]] Screen screen() const { return m_screen; }
  [[nodiscard]] const KioskSettings& settings() const { return m_ctx.settings; }

  [[nodiscard]] SetupView setupView() const { return m_setup.build(); }
  [[nodiscard]] LockView lockView() const { return m_lock.build(); }
  [[nodiscard]] PinView pinView() const { return m_pin.build(); }
  [[nodiscard]] HomeView homeView() const { return m_home.build(); }
  [[nodiscard]] NewSessionView newSessionView() const { return m_newSession.build(); }
  [[nodiscard]] SessionView sessionView() const { return m_session.build(); }
  [[nodiscard]] ReviewView reviewView() const { return m_review.build(); }
  [[nodiscard]] SupervisorView supervisorView() const { return m_supervisor.build(); }
  [[nodiscard]] EventsView eventsView() const { return m_events.build(); }
  [[nodiscard]] SettingsView settingsView() const { return m_settings.build(); }
  [[nodiscard]] AddClinicianView addClinicianView() const { return m_addClinician.build(); }

  void apply(const Intent& intent);
  void applyAll(const Intents& intents);
  // A person touched the screen (auto-lock counts from the last touch).
  void noteInput();
  // Per frame, before drawing: auto-lock after inactivity (never stops a timer), clock-jump checks.
  void tick();
  // Another writer changed the store (the sync worker: uploads accepted or refused): the session book
  // reads it again. tick() calls it when the sync link reports a change.
  void storeChanged();
  // Real time until something on the current screen changes by itself; nullopt when nothing does.
  [[nodiscard]] std::optional<std::chrono::milliseconds> nextChangeIn() const;

  // For tests and the supervisor screen.
  [[nodiscard]] const core::Session* session(const std::string& id) const { return m_ctx.session(id); }
  [[nodiscard]] std::string loggedInClinician() const { return m_ctx.clinicianId; }
  [[nodiscard]] core::Result<core::UnitsResult, std::string> unitsFor(const core::Session& s) const {
    return m_ctx.unitsFor(s);
  }

  // Seeds a demo clinic (clinicians, schedule, favourites) into an empty store (demo_data.cpp).
  core::Result<void, std::string> seedDemo();

 private:
  // Navigator
  void go(Screen screen) override;
  void lock(std::string message) override;
  // Auto-lock: a running session's screen stays, locked (its timers one tap away), unless the clinic wants
  // the PIN for everything; any other screen locks.
  void autoLock(std::string message);
  void askPin(PinRequest request) override;
  void backToVoidPanel(std::string reason) override;
  void sessionStarted() override;
  void showEvents(std::string sessionId) override;

  Presenter& presenterOf(Screen screen);
  void back();

  KioskContext m_ctx;
  std::uint64_t m_storeChanges = 0;  // the sync worker's count when the book last read the store
  Screen m_screen = Screen::kLock;
  SetupPresenter m_setup{m_ctx, *this};
  LockPresenter m_lock{m_ctx, *this};
  PinPresenter m_pin{m_ctx, *this};
  HomePresenter m_home{m_ctx, *this};
  NewSessionPresenter m_newSession{m_ctx, *this};
  SessionPresenter m_session{m_ctx, *this};
  ReviewPresenter m_review{m_ctx, *this};
  SupervisorPresenter m_supervisor{m_ctx, *this};
  EventsPresenter m_events{m_ctx, *this};
  SettingsPresenter m_settings{m_ctx, *this};
  AddClinicianPresenter m_addClinician{m_ctx, *this};
};

}  // namespace unitclock::app
