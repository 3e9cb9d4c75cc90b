"""The interactive app, tested for real and in parts.

The browser test starts `exsim app` on 127.0.0.1 with a free port, opens it in headless
Chromium (Debian's `chromium` and `chromium-driver`, which `.ci/run` installs; nothing is
downloaded), checks that the controls and views render, moves a control, resets and
steps the model, checks that a view changed, and saves a screenshot in `tmp_path`. Set
EXSIM_UPDATE_SCREENSHOT=1 to copy that screenshot to docs/app.png for the README.
Only where no Chromium can be found is the browser test skipped, with the reason.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

import exsim
from exsim.app import figures
from exsim.cli import _parser, main
from exsim.cli.app_command import DEFAULT_HOST, solara_arguments

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "docs" / "app.png"
SERVER_START = 90  # seconds: bounded waits everywhere
PAGE_LOAD = 60
VIEW_UPDATE = 30

# --- without a browser ---------------------------------------------------------------


def test_core_package_does_not_import_solara():
    code = (
        "import sys, exsim, exsim.model, exsim.cli, exsim.app, exsim.app.figures\n"
        "exsim.ExchangeModel().step()\n"
        "bad = [m for m in ('solara', 'mesa.visualization', 'altair') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_app_command_without_solara_exits_2_with_one_line(monkeypatch, capsys):
    monkeypatch.setattr("exsim.app.missing_requirements", lambda: ["solara"])
    assert main(["app"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "pip install 'exsim[app]'" in err


def test_app_serves_on_loopback_by_default():
    args = _parser().parse_args(["app"])
    assert args.host == DEFAULT_HOST == "127.0.0.1"
    solara = solara_arguments(args, "page.py")
    assert solara[solara.index("--host") + 1] == "127.0.0.1"
    assert "--no-open" in solara and "--production" in solara


def test_app_model_takes_plain_words_and_falls_back_safely():
    from exsim.app import page

    model = page.AppModel(event_format="open plenary", run_seed="7")
    assert model.params["event.format"] == "plenary"
    assert model.params["run.seed"] == 7
    assert model.app_notes == []
    shares = {f"population_mix_{r}": 0.0 for r in ("patient", "carer", "clinician")}
    shares |= {"population_mix_researcher": 0.0, "population_mix_manager": 0.0}
    odd = page.AppModel(run_seed="seven", **shares)
    assert odd.params["run.seed"] == exsim.PARAMETERS["run.seed"].default
    assert len(odd.app_notes) == 2
    for control in page.CONTROLS.values():  # every control names a real parameter
        assert control.parameter.keyword == control.keyword
    short = page.AppModel(run_steps=3)  # play stops at the end of the run
    for _ in range(3):
        assert short.running
        short.step()
    assert not short.running and "complete" in short.app_notes[-1]


def test_figures_draw_before_and_after_events():
    model = exsim.ExchangeModel(event_every=2, rng=3)
    assert figures.last_event(model) is None
    assert figures.speaking_by_role(model) is None
    for _ in range(4):
        model.step()
    event = figures.last_event(model)
    assert event.month == 3
    assert event.attended.sum() == model.outcomes["attendance"]
    data = figures.speaking_by_role(model)
    assert data["members"].sum() == event.attended.sum()
    assert data["challenges"].sum() == model.outcomes["challenges"]
    pos = figures.circle_layout(model.population.project, model.population.status)
    assert np.allclose(np.hypot(*pos.T), 1.0)
    assert len({tuple(p) for p in pos.round(9)}) == model.population.size
    for draw in (
        lambda f: figures.draw_network(f.subplots(), model),
        lambda f: figures.draw_speaking(f, model),
    ):
        fig = Figure()
        draw(fig)
        fig.canvas.draw()
    assert "Latest event, month 3:" in figures.describe(model)


# --- in a browser --------------------------------------------------------------------


def _browser() -> tuple[str, str]:
    """Paths of a Chromium and its driver, or skip the test saying what is missing."""
    chromium = next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))),
        None,
    )
    driver = shutil.which("chromedriver") or next(
        (p for p in ("/usr/lib/chromium/chromedriver",) if os.path.exists(p)), None
    )
    if not chromium or not driver:
        pytest.skip(
            "no headless Chromium here (need Debian's chromium and chromium-driver, "
            "which .ci/run installs with apt-get where it can)"
        )
    return chromium, driver


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_server(tmp_path):
    """`exsim app` on 127.0.0.1 and a free port; stopped at the end. Yields its URL."""
    port = _free_port()
    env = dict(os.environ)
    # Assets come from solara-assets; a missing one must not be fetched from the web.
    env["SOLARA_ASSETS_CDN"] = "http://127.0.0.1:9/"
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "exsim", "app", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START
        while True:
            if server.poll() is not None:
                pytest.fail(f"exsim app exited: {(tmp_path / 'server.log').read_text()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:  # an OSError: not listening yet
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"exsim app did not answer within {SERVER_START} s")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


@pytest.fixture
def browser(tmp_path, monkeypatch):
    """Headless Chromium through Debian's chromedriver; closed at the end."""
    chromium, driver_path = _browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium must not look for drivers online
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--window-size=1600,1300",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(PAGE_LOAD)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, timeout, condition, what):
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(
            driver, timeout, ignored_exceptions=[StaleElementReferenceException]
        ).until(condition)
    except TimeoutException:
        pytest.fail(f"timed out after {timeout} s waiting for {what}")


def _month(driver) -> int | None:
    """The month Mesa's Information card shows ('Step: 3' in Mesa 3.3, 'Time: 3.0' later)."""
    from selenium.webdriver.common.by import By

    for element in driver.find_elements(By.XPATH, "//*[contains(text(), ': ')]"):
        found = re.fullmatch(r"(?:Step|Time): (\d+)(?:\.0)?", element.text.strip())
        if found:
            return int(found.group(1))
    return None


def _images(driver):
    from selenium.webdriver.common.by import By

    return [i for i in driver.find_elements(By.TAG_NAME, "img") if i.size["height"] > 150]


@pytest.mark.slow
def test_app_renders_responds_and_updates(browser, app_server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from exsim.app import page

    driver = browser
    started = time.monotonic()
    driver.get(app_server)

    def button(label):
        return driver.find_element(By.XPATH, f"//button[normalize-space()='{label}']")

    _wait(driver, PAGE_LOAD, lambda d: button("Step").is_displayed(), "the Step button")

    # The controls: Mesa's run controls and the three groups of the design.
    for label in ("Reset", "Step"):
        assert button(label).is_displayed()
    text = driver.find_element(By.TAG_NAME, "body").text
    for title in page.GROUPS:
        assert title in text, f"group {title!r} missing"
    for keyword in page.CONTROLS:
        assert driver.find_elements(By.CSS_SELECTOR, f".exsim-control-{keyword}"), keyword
    assert _month(driver) == 0

    # The views, as images: the network, who spoke, and four plots of outcomes over time.
    _wait(driver, PAGE_LOAD, lambda d: len(_images(d)) >= 6, "the six views")

    # Move one control: one key press on the slider of group size (6 -> 5).
    def group_size(d):
        return d.find_element(By.CSS_SELECTOR, ".exsim-control-event_group_size")

    assert ": 6" in group_size(driver).text
    thumb = group_size(driver).find_element(By.CSS_SELECTOR, "[role=slider]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", thumb)
    thumb.send_keys(Keys.ARROW_LEFT)
    _wait(driver, VIEW_UPDATE, lambda d: ": 5" in group_size(d).text, "the control at 5")
    _wait(
        driver,
        VIEW_UPDATE,
        lambda d: "press Reset" in d.find_element(By.TAG_NAME, "body").text,
        "the note that the design changed",
    )

    # Reset builds the network with the new design; the note goes away.
    button("Reset").click()
    _wait(
        driver,
        VIEW_UPDATE,
        lambda d: "press Reset" not in d.find_element(By.TAG_NAME, "body").text,
        "Reset to apply the design",
    )

    _wait(driver, PAGE_LOAD, lambda d: len(_images(d)) >= 6 and _month(d) == 0, "the new run")

    # Step: the month advances and the network view changes.
    driver.execute_script("window.scrollTo(0, 0)")
    before = _images(driver)[0].screenshot_as_png
    button("Step").click()
    _wait(driver, VIEW_UPDATE, lambda d: _month(d) == 1, "month 1")
    _wait(
        driver,
        VIEW_UPDATE,
        lambda d: _images(d)[0].screenshot_as_png != before,
        "the network view to change after a step",
    )

    # A few more months, so the screenshot shows three events.
    for month in range(2, 8):
        button("Step").click()
        _wait(driver, VIEW_UPDATE, lambda d, m=month: _month(d) == m, f"month {month}")
    time.sleep(1.0)  # let the last images arrive
    driver.execute_script(
        "for (const e of document.querySelectorAll('*')) { if (e.scrollTop) e.scrollTop = 0; }"
    )
    shot = tmp_path / "app.png"
    assert driver.save_screenshot(str(shot))
    assert shot.read_bytes()[:4] == b"\x89PNG"
    if os.environ.get("EXSIM_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, SCREENSHOT)
    print(f"browser test: {time.monotonic() - started:.1f} s, screenshot {shot}")
