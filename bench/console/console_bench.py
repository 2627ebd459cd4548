#!/usr/bin/python3
"""The console's Day page on a large day, in headless Chromium (docs/bench-console.md).

A real server with CLINICIANS clinicians and SESSIONS sessions on one day, uploaded through an enrolled
device (tests/console/console_seed, batches of 100). A supervisor signs in; then the Day page is loaded
ROUNDS times and each time the browser's own clocks are read:
  first paint          performance 'first-contentful-paint' (the page's first pixels)
  day drawn            performance mark 'uc-day-rendered' (timeline, tables and flags in the DOM)
  drawn + painted      the first animation frame after that mark
  day data             the size of /console/api/days/DATE on the wire and decoded
It also times the day's JSON with curl (the server's part).

    console_bench.py --server BIN --seed BIN [--clinicians 200] [--sessions 10000] [--rounds 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "console"))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

DATE = "2026-11-26"
PASSWORD = "correct horse battery"


def npi(n):
    """A valid, obviously fictional NPI: 9 digits of n, then the Luhn check digit over 80840 + those digits."""
    base = "1%08d" % n
    digits = [int(c) for c in "80840" + base]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return base + str((10 - total % 10) % 10)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--seed", required=True)
    p.add_argument("--clinicians", type=int, default=200)
    p.add_argument("--sessions", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=5)
    a = p.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="uc-console-bench-")
    data = os.path.join(tmp.name, "data")

    def run(*args, stdin=None):
        r = subprocess.run([a.server, *args], input=stdin, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        return r.stdout.strip()

    run("init", "--data-dir", data)
    run("clinic", "add", "--data-dir", data, "--id", "big", "--name", "Big Clinic Group", "--timezone", "UTC")
    t0 = time.monotonic()
    for i in range(1, a.clinicians + 1):
        run("clinician", "add", "--data-dir", data, "--clinic", "big", "--id", "c-%04d" % i, "--name",
            "Clinician %04d" % i, "--role", "ot", "--npi", npi(i), "--family-name", "Clinician",
            "--given-name", "%04d" % i)
    run("user", "add", "--data-dir", data, "--clinic", "big", "--id", "sup", "--name", "Supervisor",
        "--role", "supervisor", stdin=PASSWORD + "\n")
    code = run("device", "enroll-code", "--data-dir", data, "--clinic", "big")
    log = open(os.path.join(tmp.name, "server.log"), "w")
    server = subprocess.Popen([a.server, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--rate", "100000",
                               "--burst", "100000"], stdout=subprocess.PIPE, stderr=log, text=True)
    url = server.stdout.readline().split()[1]
    try:
        req = urllib.request.Request(url + "/api/v1/enroll", data=json.dumps({"code": code, "label": "bench"}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        token = json.load(urllib.request.urlopen(req))["token"]
        seeded = subprocess.run([a.seed, url, token, "big", DATE, "large", str(a.clinicians), str(a.sessions)],
                                capture_output=True, text=True)
        if seeded.returncode != 0:
            raise RuntimeError(seeded.stderr)
        print("seeded %d clinicians and %d sessions in %.1f s" % (a.clinicians, a.sessions, time.monotonic() - t0))

        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                    "--disable-dev-shm-usage"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.set_script_timeout(300)  # a slow page blocks the polling script itself
        wait = WebDriverWait(driver, 300)
        driver.get(url + "/#/day/" + DATE)
        wait.until(lambda d: d.find_element(By.ID, "user"))
        driver.find_element(By.ID, "user").send_keys("sup")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "sign-in-button").click()
        try:
            wait.until(lambda d: d.find_elements(By.ID, "timeline"))
        except Exception:
            raise RuntimeError("the day did not draw: " + driver.find_element(By.TAG_NAME, "main").text[:500])
        cookie = driver.get_cookie("uc_console")["value"]

        rows = []
        for _ in range(a.rounds):
            driver.get("about:blank")
            driver.get(url + "/#/day/" + DATE)
            wait.until(lambda d: d.execute_script("return performance.getEntriesByName('uc-day-rendered').length"))
            m = driver.execute_async_script("""
                const done = arguments[0];
                requestAnimationFrame(() => setTimeout(() => {
                  const paint = performance.getEntriesByName('first-contentful-paint')[0];
                  const drawn = performance.getEntriesByName('uc-day-rendered')[0];
                  const day = performance.getEntriesByType('resource').find((r) => r.name.includes('/console/api/days/'));
                  done({fcp: paint ? paint.startTime : null, drawn: drawn.startTime, painted: performance.now(),
                        wire: day.encodedBodySize, decoded: day.decodedBodySize,
                        bars: document.querySelectorAll('#timeline .bar').length,
                        fetch: day.responseEnd - day.requestStart});
                }, 0));""")
            rows.append(m)
        driver.quit()

        curl = []
        for _ in range(a.rounds):
            r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{size_download}", "-H",
                                "Cookie: uc_console=" + cookie, "-H", "Accept-Encoding: gzip",
                                url + "/console/api/days/" + DATE], capture_output=True, text=True)
            t, size = r.stdout.split()
            curl.append((float(t) * 1000, int(size)))

        def med(key):
            return statistics.median(r[key] for r in rows)

        print("Day page, %d clinicians, %d sessions, %d bars, %d rounds (medians; each round: min..max)" % (
            a.clinicians, a.sessions, rows[0]["bars"], a.rounds))
        print("  first paint       %7.0f ms  (%s)" % (med("fcp"), ", ".join("%.0f" % r["fcp"] for r in rows)))
        print("  day data fetched  %7.0f ms" % med("fetch"))
        print("  day drawn (DOM)   %7.0f ms  (%s)" % (med("drawn"), ", ".join("%.0f" % r["drawn"] for r in rows)))
        print("  drawn + painted   %7.0f ms" % med("painted"))
        print("  day data          %7.0f KB on the wire (gzip), %.0f KB decoded" % (med("wire") / 1024,
                                                                                     med("decoded") / 1024))
        print("  server (curl)     %7.0f ms median, %d bytes gzip" % (statistics.median(c[0] for c in curl),
                                                                      curl[0][1]))
    finally:
        server.terminate()
        server.wait()
        log.close()


if __name__ == "__main__":
    main()
