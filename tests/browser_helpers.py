"""What the browser tests share: starting JupyterLab with tools.lab, opening it in Chromium.

Test modules import these (`from tests.browser_helpers import ...`), never each other.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT, stop_process_group
from tools.handout import CHROMIUM_ARGS, DEFAULT_CHROMIUM

CHROMIUM = Path(DEFAULT_CHROMIUM)  # the handout prints with the same browser
CJK_FONT_DIR = Path("/usr/share/fonts/opentype/noto")  # Debian fonts-noto-cjk
SCREENSHOTS = ROOT / "build" / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}
START_TIMEOUT = 120  # s: JupyterLab's first start on a busy 2-core machine


def skip_reason() -> str | None:
    """Say why this machine cannot run the browser test, or None if it can."""
    if not sys.platform.startswith("linux"):
        return f"browser test runs on Linux with Debian chromium; this is {sys.platform}"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} missing: install Debian chromium (make system, as root)"
    if not any(CJK_FONT_DIR.glob("NotoSansCJK*")):
        return f"no Noto Sans CJK in {CJK_FONT_DIR}: install fonts-noto-cjk (make system)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: make install"
    return None


SKIP = skip_reason()
needs_browser = pytest.mark.skipif(SKIP is not None, reason=f"browser test skipped: {SKIP}")


@dataclass
class Lab:
    base: str
    token: str
    process: subprocess.Popen
    log: Path
    start: str = "lab"  # the page the printed URL opens (the course's start page)

    def url(self, path: str) -> str:
        return f"{self.base}/{path}?token={self.token}"


def _api(lab: Lab, path: str, method: str = "GET"):
    request = urllib.request.Request(lab.url(path), method=method)
    with urllib.request.urlopen(request, timeout=5) as response:
        body = response.read()
    return json.loads(body) if body else None


@contextlib.contextmanager
def running_lab(tmp: Path, lang: str, env: dict[str, str]):
    """Start JupyterLab with `python -m tools.lab` (as `make lab` does); always stop it."""
    log = tmp / "lab.log"
    cmd = [
        sys.executable,
        "-m",
        "tools.lab",
        "--no-browser",
        "--port=0",
        f"--lang={lang}",
        f"--course-dir={tmp / 'course'}",
        f"--state-dir={tmp / 'state'}",
        "--edition=instructor",  # every edition: the test runs the solutions too
        "--LabApp.expose_app_in_browser=True",  # the test drives the app through its commands
    ]
    with open(log, "wb") as out:
        # Its own process group, so stopping the group stops the server and nothing else.
        process = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True
        )
    lab = None
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while lab is None or not _ready(lab):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start:\n{log.read_text(errors='replace')[-3000:]}")
            found = re.search(
                r"JupyterLab at (http://127\.0\.0\.1:\d+)/(lab(?:/tree/[\w/.-]+)?)\?token=(\w+)",
                _text(log),
            )
            if found and lab is None:
                lab = Lab(found.group(1), found.group(3), process, log, found.group(2))
            time.sleep(0.3)
        yield lab
    finally:
        if lab is not None:  # kernels live in process groups of their own: ask the server
            with contextlib.suppress(OSError, ValueError):
                for kernel in _api(lab, "api/kernels"):
                    _api(lab, f"api/kernels/{kernel['id']}", method="DELETE")
        stop_process_group(process)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _ready(lab: Lab) -> bool:
    try:
        _api(lab, "api/status")
    except (OSError, ValueError):
        return False
    return True


def lab_env(**overrides: str) -> dict[str, str]:
    """Return the test's environment with the locale the stored outputs were made under."""
    from tools.execute_notebooks import EXEC_ENV

    return {**os.environ, **EXEC_ENV, **overrides}


def open_lab_page(browser, lab: Lab, path: str = "lab"):
    """Load JupyterLab (or one of its pages) in a new page and wait until its layout is restored."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(START_TIMEOUT * 1000)
    page.goto(lab.url(path))
    page.wait_for_function("() => window.jupyterapp !== undefined")
    page.evaluate("async () => { await jupyterapp.started; await jupyterapp.restored; }")
    return page


@contextlib.contextmanager
def chromium():
    """Debian's Chromium through playwright, with the flags known to work here; always closed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
