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

from browser import ARTIFACTS, browser  # noqa: F401  (the fixture)


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
