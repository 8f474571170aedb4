"""Headless Chromium for the accessibility test and the screenshots: a built site served on
127.0.0.1, and a browser held at an exact viewport size.

Debian's chromium and chromium-driver are what `make test` installs; without them the
tests that need a browser are skipped on a developer's machine, and fail under CI=true,
where a skipped accessibility test would pass unnoticed.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
AXE = Path(__file__).parent.parent / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core, installed by `make test` (the version is pinned in the Makefile)."""


def require(what: str, present: bool) -> None:
    """Skip when ``what`` is missing, except under CI, where it is a failure."""
    if present:
        return
    message = f"{what} is missing (make test installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    held = ""
    seconds = 0.0

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.held and self.path.endswith(self.held):
            time.sleep(self.seconds)
        super().do_GET()


@contextmanager
def serve(folder: Path, held: str = "", seconds: float = 0.0) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1; yields its address ("http://127.0.0.1:PORT/").
    A file whose path ends with ``held`` is answered ``seconds`` late, as a slow network would."""
    handler = type("_Held", (_Quiet,), {"held": held, "seconds": seconds})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser() -> Iterator[Any]:
    """Headless Chromium through chromedriver, in a profile of its own."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    with tempfile.TemporaryDirectory() as profile:
        for argument in (
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-proxy-server",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--hide-scrollbars", "--force-color-profile=srgb", f"--user-data-dir={profile}",
        ):  # fmt: skip
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def viewport(driver: Any, width: int, height: int, dark: bool = False) -> None:
    """Make the page area exactly ``width`` x ``height`` CSS pixels (a phone's when narrow)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
    )
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
