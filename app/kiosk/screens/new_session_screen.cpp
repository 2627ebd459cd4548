#include "screens.h"

namespace unitclock::app {
namespace {

// One chip per choice; a tap emits `Chosen{id}` (SelectPayer, SelectDiscipline).
template <class Chosen>
void chips(Ui& ui, const std::vector<Choice>& choices, float widthEm, Intents& out) {
  const int cols = columnsFor(ui, widthEm);
  for (int i = 0; i < static_cast<int>(choices.size()); ++i) {
    const auto& c = choices[static_cast<std::size_t>(i)];
    flowItem(ui, i, cols);
    if (ui.button(c.label + "##" + c.id, widthEm, c.selected ? Tone::kSelected : Tone::kNormal, c.enabled))
      out.push_back(Chosen{c.id});
  }
}

}  // namespace

void drawNewSessionScreen(const NewSessionView& view, Ui& ui, Intents& out) {
  ui.beginScreen("new-session");
  drawTopBar(ui, "New session", "Patient, payer, discipline and diagnoses", out, true, false);
  // Landscape: patient and keyboard on the left, the choices on the right, all without scrolling.
  // Portrait: one scrolling column; the keyboard shows only while a field is being typed into.
  const bool twoColumns = ui.availableEm() >= kTwoColumnMinEm;
  const float leftEm = twoColumns ? 26.0f : 0.0f;
  // The bottom row: Start session, and above it the warning about a patient already seen today, which
  // takes room from the regions rather than pushing the button off the screen.
  float bottomEm = kTouchEm + 0.8f;
  if (!view.repeatWarning.empty()) {
    const float wrap = ImGui::GetContentRegionAvail().x;
    bottomEm += ImGui::CalcTextSize(view.repeatWarning.c_str(), nullptr, false, wrap).y / ui.em() +
                ImGui::GetStyle().ItemSpacing.y / ui.em();
  }
  ui.beginRegion("patient", leftEm, -bottomEm);
  ui.text("Patient", TextStyle::kBold);
  if (ui.field("##mrn", "MRN", view.mrn, 12.0f, view.focus == Field::kMrn))
    out.push_back(intent::Focus{Field::kMrn});
  ui.sameLine();
  if (ui.field("##initials", "Initials", view.initials, 8.0f, view.focus == Field::kInitials))
    out.push_back(intent::Focus{Field::kInitials});
  if (view.focus == Field::kMrn || view.focus == Field::kInitials) {
    drawKeyboard(ui, out);
  } else if (!view.schedule.empty()) {
    ui.gap();
    ui.text("Today's schedule", TextStyle::kBold);
    const int cols = columnsFor(ui, 8.4f);
    for (int i = 0; i < static_cast<int>(view.schedule.size()); ++i) {
      const auto& s = view.schedule[static_cast<std::size_t>(i)];
      flowItem(ui, i, cols);
      if (ui.tile("##sch" + s.id, {s.initials, s.time, s.detail}, ImVec2(8.4f, 4.4f), Tone::kNormal))
        out.push_back(intent::PickSchedule{s.id});
    }
  }
  if (twoColumns) {
    ui.endRegion();
    ui.sameLine(1.0f);
    ui.beginRegion("choices", 0.0f, -bottomEm);
  } else {
    ui.gap();
  }
  ui.text("Payer", TextStyle::kBold);
  chips<intent::SelectPayer>(ui, view.payers, 9.6f, out);
  ui.text("Discipline", TextStyle::kBold);
  // Why some are greyed, beside the heading so that the diagnoses below keep their place.
  if (!view.disciplineNote.empty()) {
    ui.sameLine(0.8f);
    ui.textWrapped(view.disciplineNote, TextStyle::kMuted);
  }
  chips<intent::SelectDiscipline>(ui, view.disciplines, 6.0f, out);
  ui.text("Diagnoses (up to 4)", TextStyle::kBold);
  const int cols = columnsFor(ui, 9.6f);
  for (int i = 0; i < static_cast<int>(view.diagnoses.size()); ++i) {
    const auto& d = view.diagnoses[static_cast<std::size_t>(i)];
    flowItem(ui, i, cols);
    if (ui.tile("##dx" + d.id, {d.id, d.label}, ImVec2(9.6f, 3.1f),
                d.selected ? Tone::kSelected : Tone::kNormal))
      out.push_back(intent::ToggleDiagnosis{d.id});
  }
  ui.endRegion();
  ui.separator();
  if (!view.repeatWarning.empty()) ui.textWrapped(view.repeatWarning, TextStyle::kWarning);
  if (ui.button(view.confirmRepeat ? "Start another session" : "Start session", 12.0f,
                view.confirmRepeat ? Tone::kWarning : Tone::kPrimary, view.canStart))
    out.push_back(intent::StartSession{});
  ui.sameLine();
  if (ui.button(view.telehealth ? "Telehealth: on" : "Telehealth: off", 10.0f,
                view.telehealth ? Tone::kSelected : Tone::kNormal))
    out.push_back(intent::ToggleTelehealth{});
  if (!view.error.empty()) {
    ui.sameLine(1.0f);
    ImGui::AlignTextToFramePadding();
    ui.text(view.error, TextStyle::kError);
  } else if (!view.canStart) {
    // Why "Start session" is not available yet, where there is room for it (not in narrow portrait).
    const char* hint = "Enter the MRN and initials, or pick from the schedule";
    ui.sameLine(1.0f);
    if (ImGui::CalcTextSize(hint).x <= ImGui::GetContentRegionAvail().x) {
      ImGui::AlignTextToFramePadding();
      ui.text(hint, TextStyle::kMuted);
    } else {
      ImGui::NewLine();
    }
  }
  ui.endScreen();
}

}  // namespace unitclock::app
