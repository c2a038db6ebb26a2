"""Headless Chromium for the browser tests: Debian's ``chromium`` + ``chromium-driver`` through selenium.

Nothing is downloaded.  Without Chromium a browser test is skipped, unless
``CI`` is set, where it fails.  Screenshots go to :data:`ARTIFACTS`.
"""

from __future__ import annotations

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
