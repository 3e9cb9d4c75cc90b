"""Months per second while the app plays the default network, seen in headless Chromium.

Starts `exsim app` on 127.0.0.1 (a free port), opens it in Debian's headless Chromium
through Selenium, chooses a speed, presses Play and records in the page itself (a
MutationObserver, timestamps from the browser's clock) every change of the month shown
and every redraw of a chart's lines, until month 120 or `--seconds`. Reports the months
per second the page showed and the chart redraws per second, with the load average.

    python benchmarks/app_playback.py                 # at the app's default speed, 10
    python benchmarks/app_playback.py --speed 20      # as fast as it will go
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

OBSERVE = """
window.exsimLog = {months: [], redraws: []};
const month = document.querySelector('.exsim-month');
// textContent, not innerText: innerText would force a layout at every change.
new MutationObserver(() => window.exsimLog.months.push([performance.now(), month.textContent]))
    .observe(month, {subtree: true, childList: true, characterData: true});
const chart = document.querySelector('.exsim-chart-challenges');
new MutationObserver(() => window.exsimLog.redraws.push(performance.now()))
    .observe(chart, {subtree: true, attributes: true, attributeFilter: ['d']});
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(speed: int, seconds: float) -> dict:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    port = free_port()
    env = dict(os.environ, SOLARA_ASSETS_CDN="http://127.0.0.1:9/", SE_OFFLINE="true")
    log = tempfile.TemporaryFile()  # noqa: SIM115 (the server writes to it until the end)
    server = subprocess.Popen(
        [sys.executable, "-m", "exsim", "app", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    driver = None
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(180):
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5):
                break
            time.sleep(0.5)
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1600,1900"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        driver.get(url)
        for _ in range(240):
            if driver.find_elements(By.CSS_SELECTOR, ".exsim-chart-challenges path.line"):
                break
            time.sleep(0.5)
        time.sleep(2.0)
        if speed != 10:
            driver.find_element(By.XPATH, "//*[normalize-space()='10']").click()
            time.sleep(0.5)
            driver.find_element(
                By.XPATH,
                f"//div[contains(@class,'v-list-item__title')][normalize-space()='{speed}']",
            ).click()
            time.sleep(0.5)
        driver.execute_script(OBSERVE)
        driver.find_element(By.XPATH, "//button[normalize-space()='Play']").click()
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            time.sleep(0.5)
            months = driver.execute_script("return window.exsimLog.months")
            if months and months[-1][1].startswith("Month 120 "):
                break
        record = driver.execute_script("return window.exsimLog")
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        server.wait(timeout=30)
    months = [(t, int(text.split()[1])) for t, text in record["months"] if text.strip()]
    (t0, m0), (t1, m1) = months[0], months[-1]
    redraws = [t for t in record["redraws"] if t0 <= t <= t1]
    return {
        "speed_chosen": speed,
        "months": m1 - m0,
        "seconds": round((t1 - t0) / 1000, 2),
        "months_per_second": round((m1 - m0) / ((t1 - t0) / 1000), 1),
        "chart_redraws_per_second": round(len(redraws) / ((t1 - t0) / 1000), 1),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=int, default=10, help="months per second to choose")
    parser.add_argument("--seconds", type=float, default=20.0, help="longest to play")
    args = parser.parse_args()
    print(json.dumps(measure(args.speed, args.seconds), indent=1))


if __name__ == "__main__":
    main()
