#pragma once
// One screen per file. Each draws from its view and appends intents; none touches the store or a clock.

#include <algorithm>
#include <string>

#include "../intents.h"
#include "../views.h"
#include "../widgets.h"

namespace unitclock::app {

void drawSetupScreen(const SetupView& view, Ui& ui, Intents& out);
void drawLockScreen(const LockView& view, Ui& ui, Intents& out);
void drawPinScreen(const PinView& view, Ui& ui, Intents& out);
void drawHomeScreen(const HomeView& view, Ui& ui, Intents& out);
void drawNewSessionScreen(const NewSessionView& view, Ui& ui, Intents& out);
void drawSessionScreen(const SessionView& view, Ui& ui, Intents& out);
void drawReviewScreen(const ReviewView& view, Ui& ui, Intents& out);
void drawSupervisorScreen(const SupervisorView& view, Ui& ui, Intents& out);
void drawEventsScreen(const EventsView& view, Ui& ui, Intents& out);
void drawSettingsScreen(const SettingsView& view, Ui& ui, Intents& out);
void drawAddClinicianScreen(const AddClinicianView& view, Ui& ui, Intents& out);

// Screens at least this wide (in em) use two columns; narrower ones (portrait, or large text) stack them.
inline constexpr float kTwoColumnMinEm = 36.0f;

// [SECTION] Shared pieces (keypads.cpp)

// A title row with optional "Back" and "Lock" buttons.
void drawTopBar(Ui& ui, std::string_view title, std::string_view subtitle, Intents& out, bool back,
                bool lock);
// Letters, digits, Space and Delete; each key a touch target. Emits intent::KeyText / intent::KeyDelete.
void drawKeyboard(Ui& ui, Intents& out, bool digitsOnly = false, bool punctuation = false);
// 1–9, Delete, 0, OK. Emits intent::PinDigit / intent::PinDelete / intent::PinSubmit.
void drawPinPad(Ui& ui, Intents& out, bool canSubmit);
// Lays out tiles of `widthEm` in rows: call before each tile with its index.
void flowItem(Ui& ui, int index, int columns);
int columnsFor(const Ui& ui, float widthEm, float gapEm = 0.5f);
// "****" for a PIN of n digits.
std::string maskedPin(int digits);

}  // namespace unitclock::app
