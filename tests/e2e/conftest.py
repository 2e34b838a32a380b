"""Browser tests: one JupyterLab server and one Chromium for the whole session.

Everything runs on the loopback interface with private Jupyter, IPython, JupyterLab-settings and
progress folders, so nothing touches the user's files or the repository's notebooks:
``mscpso-edu lab --dir`` copies the course into a temporary folder and autosave is switched off.

Chromium is Debian's (``/usr/bin/chromium``, override with ``MSCPSO_EDU_CHROMIUM``) driven by
Playwright; ``playwright install`` is never needed. Requests for anything but 127.0.0.1 are
aborted in the browser, so a page that would fetch from the internet shows it at once instead of
waiting for a timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    LAB_SETTINGS,
    SCREENSHOTS,
    Server,
    free_port,
    private_env,
    start_server,
    stop_server,
)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``mscpso-edu lab --no-browser`` on a free loopback port, serving a private course copy."""
    root = tmp_path_factory.mktemp("lab")
    env = private_env(root)
    for rel, values in LAB_SETTINGS.items():
        path = root / "jupyter/lab-settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = free_port(), "mscpso-e2e-token"
    command = [
        sys.executable, "-m", "mscpso_edu", "lab", "--dir", str(root / "course"),
        "--no-browser", "--port", str(port), "--",
        "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
        # Lets the test ask JupyterLab whether the kernel is connected and idle.
        "--LabApp.expose_app_in_browser=True",
    ]  # fmt: skip
    log = root / "lab.log"
    process = start_server(command, env, log, f"http://127.0.0.1:{port}/api/status?token={token}")
    try:
        yield Server(process, port, token, log)
    finally:
        stop_server(process)
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / "lab.log")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium through Playwright, with a fresh profile."""
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM}: install it with `apt-get install chromium`"
        # make test installs Chromium when it runs as root (scripts/install-test-tools), so a CI
        # run as root without it is broken and must not pass by skipping every browser test.
        # MSCPSO_EDU_REQUIRE_BROWSER=1 asks for the same anywhere.
        in_ci_as_root = os.environ.get("CI") == "true" and os.geteuid() == 0
        if in_ci_as_root or os.environ.get("MSCPSO_EDU_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="install the e2e extra: pip install -e '.[e2e]'"
    )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def context(browser) -> Iterator[object]:
    """One browser context (fresh profile, 1280x900) shared by every page of the session."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(60_000)

    def local_only(route) -> None:
        host = route.request.url.split("/")[2] if "://" in route.request.url else ""
        if route.request.url.startswith(("data:", "blob:")) or host.startswith("127.0.0.1"):
            route.continue_()
        else:
            route.abort()

    ctx.route("**/*", local_only)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots go (``artifacts/screenshots``, ignored by git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
