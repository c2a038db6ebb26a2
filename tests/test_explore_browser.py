"""The ``reglab explore`` page in a real headless Chromium against a real loopback server.

Loads the page from a set-up in its URL hash, trains, sees the boundary
canvas change between frames, moves a live strength slider (recorded as a
schedule), pauses, drags the epoch slider back, resumes, exports, and checks
there were no console errors and no request to anywhere else.  Screenshots:
``test-artifacts/explore.png`` (whole page) and ``explore-laptop.png``
(the first screen at 1366×768).
"""

from __future__ import annotations

import base64
import time

import pytest

pytest.importorskip("starlette")

from browser import ARTIFACTS, browser  # noqa: E402, F401  (the fixture)

from reglab.explore.server import prepare, run_in_thread  # noqa: E402

SETUP = "dataset=moons&n_samples=300&hidden=16&epochs=1000&seeds=2&grid=32&preset=seed"


def _until(driver, script: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {script}; status: {driver.find_element('id', 'status').text}")


def test_explore_page_trains_live_in_chromium(browser, tmp_path) -> None:
    server = run_in_thread(prepare(port=0, export_dir=tmp_path / "out", log=lambda _: None))
    try:
        browser.get(f"{server.url}#{SETUP}")
        _until(browser, "return document.querySelectorAll('#variant-controls .variant').length === 2")
        assert browser.find_element("css selector", "#network-controls").text.count("hidden") == 1
        browser.find_element("id", "play").click()
        _until(browser, "return document.querySelectorAll('#cards canvas.boundary').length === 2")
        frame = "return document.querySelector('#card-0 canvas.boundary').toDataURL()"
        _until(browser, "return Number(document.getElementById('epoch-label').textContent) >= 2")
        first = browser.execute_script(frame)
        # later frames redraw it (polled: a fast machine may show epoch 40 before the next boundary frame)
        changed = f"return document.querySelector('#card-0 canvas.boundary').toDataURL() !== {first!r}"
        _until(browser, changed)

        # a live strength: add l2 to the baseline's card and move its slider while the job is paused (however fast
        # the machine trains, the change then lands long before the end); it takes effect at the next epoch
        browser.find_element("id", "pause").click()
        _until(browser, "return document.getElementById('status').textContent.startsWith('paused')")
        browser.execute_script("""
            const add = document.querySelector('#card-0 .live select');
            add.value = 'l2'; add.dispatchEvent(new Event('change'));
            const slider = document.querySelector('#card-0 .live input[type=range]');
            slider.value = 60; slider.dispatchEvent(new Event('input'));""")
        browser.find_element("id", "play").click()  # resume: the change (sent after the slider's 120 ms) lands next epoch
        schedule = _until(browser, "const t = document.querySelector('#card-0 .schedule').textContent; return t.includes('@') && t")
        assert "l2=0@1," in schedule

        browser.find_element("id", "pause").click()
        _until(browser, "return document.getElementById('status').textContent.startsWith('paused')")
        browser.execute_script("const s = document.getElementById('epoch'); s.value = 1; s.dispatchEvent(new Event('input'));")
        _until(browser, "return document.querySelector('#card-0 .stats').textContent.startsWith('epoch 1 ')")
        browser.find_element("id", "play").click()  # resume
        _until(browser, "return document.getElementById('status').textContent.startsWith('done')", timeout=300)
        _until(browser, "return !document.getElementById('outcome').hidden")
        assert "Pick " in browser.find_element("id", "verdicts").text
        browser.find_element("id", "export").click()
        command = _until(browser, "return document.getElementById('command').textContent", timeout=120)
        assert command.startswith("reglab compare moons ") and "l2=0@1," in command
        assert (tmp_path / "out" / "report.html").is_file()

        errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
        assert errors == [], errors
        requests = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        origin = f"http://127.0.0.1:{server.port}/"
        assert all(name.startswith(origin) for name in requests), requests
        assert "#dataset=moons" in browser.current_url  # the set-up stays in the URL

        ARTIFACTS.mkdir(exist_ok=True)
        browser.execute_script("window.scrollTo(0, 0)")
        browser.save_screenshot(str(ARTIFACTS / "explore-laptop.png"))
        shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        (ARTIFACTS / "explore.png").write_bytes(base64.b64decode(shot["data"]))
    finally:
        server.stop()
