"""report.html in a real headless Chromium (Debian's ``chromium`` + ``chromium-driver``).

The page must load with no console errors and every ``<img>`` must be
rendered (``naturalWidth > 0``).  Screenshots are kept in ``test-artifacts/``:
``report.png`` (the whole page) and ``report-laptop.png`` (the first screen
at 1366×768).  Selenium talks to ``/usr/bin/chromedriver``; nothing is
downloaded.  Without Chromium the test is skipped, unless ``CI`` is set, where
it fails.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1366,768",
)


def _require_browser() -> None:
    missing = [name for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if path is None]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not installed (apt-get install -y chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


@pytest.fixture()
def browser():
    _require_browser()
    webdriver = pytest.importorskip("selenium.webdriver") if not os.environ.get("CI") else __import__(
        "selenium.webdriver", fromlist=["webdriver"])
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="reglab-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_report_renders_in_chromium(browser, compared) -> None:
    page = compared.out / "report.html"
    browser.get(page.resolve().as_uri())

    assert browser.execute_script("return document.readyState") == "complete"
    assert "reglab report" in browser.title
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth, i.src.slice(0, 22)])"
    )
    assert len(images) >= 4, images
    for alt, complete, width, source in images:
        assert complete and width > 0, f"image {alt!r} not rendered"
        assert source == "data:image/png;base64,", f"image {alt!r} is not embedded"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert errors == [], errors
    requests = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:'))"
    )
    assert requests == [], f"the page loaded external resources: {requests}"
    headings = [h.text for h in browser.find_elements("css selector", "h2")]
    assert headings == ["Data set", "Verdicts", "Table", "Figures", "Reproduce"]
    label_cells = [c.text for c in browser.find_elements("css selector", "tbody th")]
    assert "drop <b>&" in label_cells  # escaped, shown as text

    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "report-laptop.png"))
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    (ARTIFACTS / "report.png").write_bytes(base64.b64decode(shot["data"]))
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
