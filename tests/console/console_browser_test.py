#!/usr/bin/python3
"""The web console in a real browser, as its users would use it.

Debian's chromium (headless) driven by chromedriver through python3-selenium, against a real
unitclock-server on 127.0.0.1 whose day was uploaded by an enrolled device (console_seed). A supervisor
takes the day from flags to approved and exported; a biller and an admin do their part; a forged request,
a correction reason typed on a device as "<script>…", and an idle screen are tried.

    console_browser_test.py --server BIN --seed BIN --hl7-oracle PY [--screenshots DIR]

--screenshots (or UNITCLOCK_CONSOLE_SCREENSHOTS) keeps a PNG of every page there (docs/screenshots);
without it they go to a temporary directory.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

DATE = "2026-11-26"
CLINIC = "demo-clinic"
PASSWORD = "correct horse battery"
ARGS = None
# The environment of every unitclock-server this test starts: the moved clock, when the run has one.
CHILD_ENV = dict(os.environ, LD_PRELOAD=os.environ["UNITCLOCK_SERVER_PRELOAD"]) \
    if os.environ.get("UNITCLOCK_SERVER_PRELOAD") else None
ROSTER = [
    ("c-dana", "Dana Ortiz", "ot", "1000000004"),
    ("c-sam", "Sam Lee", "ota", "1000000012"),
    ("c-priya", "Priya Shah", "pt", "1000000020"),
    ("c-alex", "Alex Kim", "slp", "1000000046"),
]
USERS = [("jordan", "Jordan Blake", "supervisor"), ("bea", "Bea Marsh", "biller"), ("ada", "Ada Stone", "admin")]


def run(*args, stdin=None):
    r = subprocess.run([ARGS.server, *args], input=stdin, capture_output=True, text=True, env=CHILD_ENV)
    if r.returncode != 0:
        raise RuntimeError("unitclock-server %s failed: %s" % (" ".join(args[:2]), r.stderr))
    return r.stdout.strip()


class Server:
    """`unitclock-server serve` on a free port; its log in the data directory's parent."""

    def __init__(self, data, *extra):
        self.log = open(os.path.join(os.path.dirname(data), "server-%d.log" % time.monotonic_ns()), "w")
        self.proc = subprocess.Popen([ARGS.server, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", *extra],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, env=CHILD_ENV)
        line = self.proc.stdout.readline()
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError("the server did not start: " + line)
        self.url = line.split()[1]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.proc.stdout.close()
        self.log.close()


def browser(download_dir):
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
              "--disable-dev-shm-usage", "--lang=en-US"):
        options.add_argument(a)
    options.add_experimental_option("prefs", {"download.default_directory": download_dir,
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir})
    return driver


class ConsoleInTheBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="uc-console-")
        cls.data = os.path.join(cls.tmp.name, "data")
        cls.shots = ARGS.screenshots or os.path.join(cls.tmp.name, "shots")
        os.makedirs(cls.shots, exist_ok=True)
        cls.downloads = os.path.join(cls.tmp.name, "downloads")
        os.makedirs(cls.downloads)
        run("init", "--data-dir", cls.data)
        run("clinic", "add", "--data-dir", cls.data, "--id", CLINIC, "--name", "Riverside Therapy",
            "--timezone", "Europe/London")
        for cid, name, role, npi in ROSTER:
            family, given = name.split(" ")[1], name.split(" ")[0]
            run("clinician", "add", "--data-dir", cls.data, "--clinic", CLINIC, "--id", cid, "--name", name,
                "--role", role, "--npi", npi, "--family-name", family, "--given-name", given)
        for uid, name, role in USERS:
            run("user", "add", "--data-dir", cls.data, "--clinic", CLINIC, "--id", uid, "--name", name,
                "--role", role, stdin=PASSWORD + "\n")
        code = run("device", "enroll-code", "--data-dir", cls.data, "--clinic", CLINIC)
        cls.server = Server(cls.data)
        req = urllib.request.Request(cls.server.url + "/api/v1/enroll",
                                     data=json.dumps({"code": code, "label": "Room 1 kiosk"}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        token = json.load(urllib.request.urlopen(req))["token"]
        # No timeouts on the children here: under faketime (the test command's moved-clock runs) Python's
        # timed waits fail; ctest's TIMEOUT bounds the whole test.
        seeded = subprocess.run([ARGS.seed, cls.server.url, token, CLINIC, DATE, "demo"], capture_output=True,
                                text=True, env=CHILD_ENV)
        if seeded.returncode != 0:
            raise RuntimeError("seeding failed: " + seeded.stderr)
        cls.driver = browser(cls.downloads)
        # The page draws a new view after every action: an element read while it is replaced is read again.
        cls.wait = WebDriverWait(cls.driver, 20,
                                 ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()
        cls.tmp.cleanup()

    # [SECTION] Helpers

    def shot(self, name):
        path = os.path.join(self.shots, "console-%s.png" % name)
        self.driver.save_screenshot(path)
        return path

    def find(self, css):
        return self.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, css))

    def text_appears(self, text, css="main"):
        try:
            self.wait.until(lambda d: text in d.find_element(By.CSS_SELECTOR, css).text)
        except TimeoutException:
            self.fail("%r never appeared in %s: %s" % (text, css, self.driver.find_element(By.CSS_SELECTOR, css).text[:2000]))

    def sign_in(self, user, password=PASSWORD, server=None, page="#/day/" + DATE):
        d = self.driver
        d.get((server or self.server).url + "/" + page)
        self.find("#user").clear()
        d.find_element(By.ID, "user").send_keys(user)
        d.find_element(By.ID, "password").send_keys(password)
        d.find_element(By.ID, "sign-in-button").click()

    def sign_out(self):
        self.driver.find_element(By.ID, "sign-out").click()
        self.text_appears("You are signed out")

    def fetch(self, method, path, body=None, csrf=True):
        """A request from the page's own origin, with its cookie; the CSRF token only when asked."""
        return self.driver.execute_async_script("""
            const [method, path, body, csrf, done] = arguments;
            (async () => {
              const me = await (await fetch('/console/api/me')).json();
              const headers = {'Content-Type': 'application/json'};
              if (csrf) headers['X-CSRF-Token'] = me.csrf;
              const r = await fetch(path, {method, headers, body: body === null ? undefined : JSON.stringify(body)});
              done({status: r.status, body: await r.text()});
            })();""", method, path, body, csrf)

    def reason_form(self, button_id, reason):
        self.driver.find_element(By.ID, button_id + "-reason").send_keys(reason)
        self.driver.find_element(By.ID, button_id).click()

    # [SECTION] The supervisor's evening

    def test_01_a_wrong_password_is_refused_and_the_right_one_opens_the_day(self):
        self.driver.get(self.server.url + "/#/day/" + DATE)
        self.find("#sign-in")
        self.shot("sign-in")
        self.sign_in("jordan", "not the password")
        self.text_appears("the user id or the password is not right")
        self.sign_in("jordan")
        self.text_appears("Riverside Therapy · " + DATE)
        self.text_appears("Times in Europe/London")

    def test_02_the_day_shows_timeline_flags_and_device_text_as_text(self):
        d = self.driver
        self.find("#timeline")
        bars = d.find_elements(By.CSS_SELECTOR, "#timeline .bar")
        self.assertEqual(len(bars), 12, "every segment of the day is a bar")
        marks = d.find_elements(By.CSS_SELECTOR, "#timeline .overlap")
        self.assertGreaterEqual(len(marks), 1, "Dana's two one-on-one sessions at once are marked")
        self.assertIn("Overlap 09:05", marks[0].get_attribute("aria-label"))
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#timeline .bar.assistant")), 2)
        self.assertEqual(d.execute_script("return document.scripts.length"), 1)
        self.assertIn("One-on-one with two patients at once", d.find_element(By.ID, "flags").text)
        self.assertIn("Session not signed", d.find_element(By.ID, "flags").text)
        self.assertIn("No diagnosis", d.find_element(By.ID, "flags").text)
        totals = d.find_element(By.ID, "totals").text
        self.assertIn("8\nsessions", totals)
        self.shot("day")

    def test_03_a_session_opens_with_its_events_in_words(self):
        d = self.driver
        bar = d.find_element(By.CSS_SELECTOR, "#timeline .bar[title^='08:30']")
        bar.click()
        self.text_appears("Session of JD")
        events = self.find("#events").text
        self.assertIn("08:30 Dana Ortiz started 97110 Therapeutic exercise", events)
        self.assertIn("Dana Ortiz signed the session", events)
        self.assertIn("Room 1 kiosk", d.find_element(By.TAG_NAME, "main").text)
        self.shot("session")
        d.find_element(By.LINK_TEXT, "← The day " + DATE).click()
        self.find("#timeline")

    def test_03b_device_text_that_looks_like_markup_stays_text(self):
        d = self.driver
        d.find_element(By.CSS_SELECTOR, "#timeline .bar[title^='10:45']").click()
        self.text_appears("Session of MJ")
        # The correction's reason from the device is shown as typed; no script was added or ran.
        self.text_appears("<script>alert('x')</script> gait, not exercise", "#revisions")
        self.text_appears("reopened the session to correct it: <script>", "#events")
        self.assertEqual(d.execute_script("return document.scripts.length"), 1)
        self.assertEqual(d.execute_script("return document.querySelectorAll('main script').length"), 0)
        self.shot("session-markup")
        d.find_element(By.LINK_TEXT, "← The day " + DATE).click()
        self.find("#timeline")

    def test_04_a_flag_is_acknowledged_with_a_reason(self):
        d = self.driver
        flag = d.find_element(By.CSS_SELECTOR, "li.flag[data-flag='one-on-one-overlap']")
        button = flag.find_element(By.CSS_SELECTOR, "button")
        # No reason: the page says so and sends nothing.
        button.click()
        self.text_appears("Give a reason first.", "#flags")
        flag.find_element(By.CSS_SELECTOR, "input.reason").send_keys("Co-treatment with the family present")
        button.click()
        self.text_appears("Acknowledged by jordan", "#flags")

    def test_05_held_charges_are_released_with_a_reason(self):
        for initials in ("JD", "TS"):
            self.find("#release-%s-ot" % initials)
            self.reason_form("release-%s-ot" % initials, "Reviewed the schedule with Dana")
            # Each release redraws the day: wait for this patient's row, not any earlier release's text.
            self.text_appears("Released by jordan", "tr[data-patient='%s ot']" % initials)
        self.assertNotIn("Held:", self.find("#patients").text)

    def test_06_a_day_is_approved_once_its_flags_are_seen(self):
        d = self.driver
        # Alex's day has a flag no one has looked at (no diagnosis): the approval is refused, in words.
        self.find("#approve-c-alex").click()
        self.text_appears("resolve or acknowledge the flag \"no-diagnosis\" first", "#clinicians")
        # Every other open flag is looked at and acknowledged (Dana's unsigned session will be signed on
        # the kiosk tomorrow).
        for _ in range(20):
            open_flags = d.find_elements(By.CSS_SELECTOR, "li.flag:not(.done):not([data-flag='no-diagnosis'])")
            if not open_flags:
                break
            flag = open_flags[0]
            flag.find_element(By.CSS_SELECTOR, "input.reason").send_keys("Seen; signed on the kiosk tomorrow")
            flag.find_element(By.CSS_SELECTOR, "button").click()
            self.wait.until(lambda drv: len(drv.find_elements(
                By.CSS_SELECTOR, "li.flag:not(.done):not([data-flag='no-diagnosis'])")) < len(open_flags))
        self.find("#approve-c-dana").click()
        self.text_appears("Approved by jordan", "tr[data-clinician='c-dana']")
        self.find("#approve-c-sam").click()
        self.text_appears("Approved by jordan", "tr[data-clinician='c-sam']")
        d.execute_script("window.scrollTo(0, 0)")
        self.shot("day-approved")

    def test_07_the_biller_downloads_and_hl7_parses(self):
        d = self.driver
        d.get(self.server.url + "/#/exports/" + DATE)
        self.text_appears("Held (left out): 0", "#excluded")
        self.text_appears("Not approved: 2", "#excluded")
        self.shot("exports")
        for ext in ("csv", "hl7", "json"):
            self.find("#download-" + ext).click()
        files = {}
        deadline = time.time() + 20
        while time.time() < deadline and len(files) < 3:
            files = {f.rsplit(".", 1)[1]: os.path.join(self.downloads, f) for f in os.listdir(self.downloads)
                     if f.startswith("charges-" + DATE) and not f.endswith(".crdownload")}
            time.sleep(0.2)
        self.assertEqual(sorted(files), ["csv", "hl7", "json"])
        with open(files["csv"]) as f:
            csv = f.read()
        self.assertIn("MRN1001", csv, "the released patient-day is exported")
        self.assertNotIn("MRN1007", csv, "the unsigned session is not")
        with open(files["json"]) as f:
            fhir = json.load(f)
        self.assertEqual(fhir["resourceType"], "Bundle")
        parsed = subprocess.run(["/usr/bin/python3", ARGS.hl7_oracle, files["hl7"], "1:MSH.F9.R1.C1"],
                                capture_output=True, text=True)
        self.assertEqual(parsed.returncode, 0, parsed.stdout + parsed.stderr)
        self.assertGreaterEqual(json.loads(parsed.stdout)["messages"], 4)

    def test_07b_a_week_report_per_clinician_and_payer(self):
        self.driver.get(self.server.url + "/#/reports/week/" + DATE)
        self.text_appears("Report · Riverside Therapy · 2026-11-20 to " + DATE)
        rows = self.find("#report-clinicians").text
        self.assertIn("Priya Shah 1 3", rows, "Priya: 1 day, 3 sessions")
        self.assertIn("medicare", self.find("#report-payers").text)
        self.shot("report")
        self.find("#report-month").click()
        self.text_appears("2026-11-01 to 2026-11-30")

    def test_08_a_request_without_the_csrf_token_is_refused(self):
        r = self.fetch("POST", "/console/api/approve", {"date": DATE, "clinician": "c-alex"}, csrf=False)
        self.assertEqual(r["status"], 403)
        self.assertIn("CSRF", r["body"])
        self.sign_out()

    def test_09_a_biller_reads_the_day_but_cannot_approve(self):
        self.sign_in("bea")
        self.find("#timeline")
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "button.approve"), [])
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "#flags button"), [])
        r = self.fetch("POST", "/console/api/approve", {"date": DATE, "clinician": "c-alex"})
        self.assertEqual(r["status"], 403)
        self.assertIn("biller cannot approve", r["body"])
        self.assertFalse(self.driver.find_element(By.ID, "nav-devices").is_displayed())
        self.assertFalse(self.driver.find_element(By.ID, "nav-audit").is_displayed())
        self.sign_out()

    def test_10_the_admin_sees_devices_and_the_audit_log(self):
        self.sign_in("ada", page="#/devices")
        self.text_appears("Room 1 kiosk", "#devices")
        self.shot("devices")
        self.driver.get(self.server.url + "/#/audit")
        for what in ("sign-in-refused", "acknowledge", "release", "approve", "download", "refused-csrf"):
            self.text_appears(what, "#audit")
        self.shot("audit")
        self.sign_out()

    def test_11_the_day_prints_one_page_per_clinician(self):
        self.sign_in("jordan")
        self.find("#timeline")
        self.find(".print-only .print-page")  # built just after the day is drawn
        import base64
        pdf = base64.b64decode(self.driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})["data"])
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        self.assertEqual(pages, len(ROSTER), "one page per clinician of the day")
        self.sign_out()

    def test_12_an_idle_screen_signs_itself_out(self):
        quick = Server(self.data, "--console-idle", "2")
        try:
            self.sign_in("jordan", server=quick)
            self.find("#timeline")
            # Nothing is clicked: the page follows the server's idle logoff by itself.
            self.text_appears("Signed out after 2 seconds idle")
            self.assertFalse(self.driver.find_element(By.ID, "top").is_displayed(), "the menu goes with the page")
            self.find("#sign-in")
            self.shot("signed-out")
        finally:
            quick.stop()

    def test_13_the_admin_requires_co_signs_and_the_supervisor_co_signs(self):
        d = self.driver
        self.sign_in("ada", page="#/settings")
        self.find("#approved-only").click()
        self.find("#cosign-assistants").click()
        self.shot("settings")
        self.find("#save-settings").click()
        self.text_appears("Saved.", "#settings-result")
        self.sign_out()
        self.sign_in("jordan")
        self.text_appears("only once its clinicians", "#policy")
        # What the kiosk has not signed yet, as it reported with its sync.
        self.text_appears("MK", "#on-devices")
        self.text_appears("running or paused", "#on-devices")
        # Sam's (the assistant's) session waits for a co-sign: its patient is held, and the exports say so.
        self.text_appears("Waiting for co-sign", "tr[data-patient='RM ot']")
        item = self.find("#cosign li")
        session = item.get_attribute("data-session")
        self.find("#cosign-" + session).click()
        self.text_appears("Co-signed by jordan", "#cosign")
        self.assertNotIn("co-sign", self.find("tr[data-patient='RM ot']").text)
        d.execute_script("document.getElementById('cosign').scrollIntoView()")
        self.shot("day-cosign")
        d.get(self.server.url + "/#/exports/" + DATE)
        # Alex's day is not approved: KW's charge waits for the approval.
        self.text_appears("KW SLP: ", "#excluded")
        self.text_appears("waiting for approval", "#excluded")
        self.text_appears("Open or unsigned on the kiosks: 1", "#excluded")
        self.sign_out()
        self.sign_in("ada", page="#/audit")
        self.text_appears("settings", "#audit")
        self.text_appears("cosign", "#audit")
        self.sign_out()


def main():
    global ARGS
    # Under faketime (the test command's runs with the wall clock moved), Python's own sleeps fail
    # (EINVAL from the preloaded clock functions). The test and the browser then run on the real clock,
    # and every unitclock-server it starts runs on the moved one (CHILD_ENV).
    preload = os.environ.get("LD_PRELOAD", "")
    if "faketime" in preload:
        env = dict(os.environ, UNITCLOCK_SERVER_PRELOAD=preload)
        del env["LD_PRELOAD"]
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--seed", required=True)
    p.add_argument("--hl7-oracle", required=True)
    p.add_argument("--screenshots", default=os.environ.get("UNITCLOCK_CONSOLE_SCREENSHOTS"))
    ARGS, rest = p.parse_known_args()
    unittest.main(argv=[sys.argv[0], "-v", *rest])


if __name__ == "__main__":
    main()
