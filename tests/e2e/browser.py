"""Drive the citizens' web widget in Debian's Chromium (headless) with Playwright's sync API.

Never downloads a browser: Chromium comes from apt (`.ci/run` installs it when missing).
Without it the browser tests skip locally and fail in CI (`CI` set).
"""

import os
import re
from pathlib import Path
from typing import Any

import pytest

from knowledge.config import REPO_ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS_DIR = REPO_ROOT / "results"
SCREENSHOTS_DIR = RESULTS_DIR / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
# The tests wait with page functions, which the pages' Content-Security-Policy (no eval)
# would refuse; test_security.py loads the demo page under its real policy.
TEST_CONTEXT = {"bypass_csp": True}

LAUNCHER = "Mở trợ lý dịch vụ công"
INPUT = "Nhập câu hỏi của bạn"
VI_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def require_browser() -> None:
    """Skip (locally) or fail (in CI) when the browser or Playwright is missing."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright is not installed: `.venv/bin/pip install -e '.[dev]'`"
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {problem}")
    pytest.skip(f"browser tests skipped: {problem}")


class Widget:
    """The widget on a page, reached the way a citizen reaches it: by roles and labels.

    Playwright's locators pierce the widget's open shadow root.
    """

    def __init__(self, page: Any) -> None:
        self.page = page

    @property
    def launcher(self) -> Any:
        return self.page.get_by_role("button", name=LAUNCHER)

    @property
    def input(self) -> Any:
        return self.page.get_by_role("textbox", name=INPUT)

    @property
    def log(self) -> Any:
        return self.page.get_by_role("log")

    @property
    def panel(self) -> Any:
        return self.page.get_by_role("dialog")

    @property
    def status(self) -> Any:
        return self.page.locator("#troly-widget .status")

    def wait_connected(self, timeout: float = 20_000) -> None:
        self.page.wait_for_function(
            "window.TroLy && window.TroLy.ready && window.TroLy.connected", timeout=timeout
        )

    def open(self) -> None:
        self.launcher.click()
        self.input.wait_for(state="visible")

    def ask(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def bot_turns(self, turn_type: str | None = None) -> Any:
        selector = ".msg-bot" if turn_type is None else f'.msg-bot[data-type="{turn_type}"]'
        return self.log.locator(selector)

    def user_bubbles(self) -> Any:
        return self.log.locator(".msg-user")

    def shadow(self, expression: str) -> Any:
        """Evaluate `expression` with `root` bound to the widget's shadow root."""
        return self.page.evaluate(
            f"(() => {{ const root = document.querySelector('#troly-widget').shadowRoot; return {expression}; }})()"
        )

    @property
    def session_id(self) -> str:
        return self.page.evaluate("window.TroLy.sessionId")

    @property
    def transport(self) -> str:
        return self.page.evaluate("window.TroLy.transport")

    def marks(self) -> dict[str, float]:
        """Milliseconds from navigation start to the widget's performance marks."""
        return self.page.evaluate(
            "Object.fromEntries(performance.getEntriesByType('mark')"
            ".filter(m => m.name.startsWith('troly-')).map(m => [m.name, Math.round(m.startTime)]))"
        )


CONTRAST_JS = """
(selectors) => {
  const root = document.querySelector('#troly-widget').shadowRoot;
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => [r, g, b]
    .map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    let node = el;
    while (node) {
      if (node.nodeType === 11) { node = node.host; continue; }  // shadow root: go to its host
      if (node.nodeType !== 1) break;
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || c[3] > 0.9) return c;
      node = node.parentNode;
    }
    return [255, 255, 255];
  };
  const out = {};
  for (const selector of selectors) {
    const el = root.querySelector(selector);
    if (!el) { out[selector] = null; continue; }
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    out[selector] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  return out;
}
"""


def contrast_ratios(page: Any, selectors: list[str]) -> dict[str, float | None]:
    """WCAG contrast of each element's text against its nearest opaque background."""
    return page.evaluate(CONTRAST_JS, selectors)


def save_screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / f"{name}.png"
    page.screenshot(path=str(path))
    return path
