"""The capstone as a standalone Voila app: it renders with no error, responds, and passes axe-core.

Voila runs the notebook and shows only its outputs (no code), which is how a class could be
given the capstone as an app. Until lesson 11 exists, lesson 00 stands in.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import (
    ARTIFACTS,
    LESSON_RUN_S,
    REPO,
    axe_findings,
    free_port,
    private_env,
    start_server,
    stop_server,
    write_findings,
)

pytestmark = pytest.mark.e2e

CAPSTONE = REPO / "lessons" / "11_capstone.ipynb"
APP = CAPSTONE if CAPSTONE.exists() else REPO / "lessons" / "00_start_here.ipynb"


@pytest.fixture(scope="module")
def voila_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``voila --no-browser`` serving the capstone on a free loopback port."""
    pytest.importorskip("voila", reason="install the e2e extra: pip install -e '.[e2e]'")
    root = tmp_path_factory.mktemp("voila")
    port = free_port()
    command = [
        sys.executable, "-m", "voila", "--no-browser", f"--port={port}",
        "--Voila.ip=127.0.0.1", "--show_tracebacks=True", str(APP),
    ]  # fmt: skip
    log = root / "voila.log"
    process = start_server(command, private_env(root), log, f"http://127.0.0.1:{port}/")
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_server(process)
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / "voila.log")


def test_capstone_renders_as_a_voila_app(context, voila_app, screenshots: Path):
    page = context.new_page()
    try:
        page.goto(voila_app, timeout=LESSON_RUN_S * 1000)
        # Voila streams cells as they run; the last output of the page (the quiz) ends it.
        page.wait_for_function(
            "() => !document.querySelector('#loading') &&"
            " document.querySelectorAll('.jp-OutputArea-output').length > 0 &&"
            " !!document.querySelector('.widget-button')",
            timeout=LESSON_RUN_S * 1000,
            polling=1000,
        )
        page.wait_for_load_state("load")
        body = page.locator("body").inner_text()
        for marker in ("Traceback", "Error displaying widget", "Could not update the figure"):
            assert marker not in body, f"Voila shows an error: {body[body.find(marker) :][:1500]}"
        # No source code is shown: this is an app, not a notebook.
        assert "from mscpso_edu import" not in body
        images = page.locator(".widget-html-content img[src^='data:image/png']")
        assert images.count() >= 1, "no explorer figure rendered"
        first = images.first
        assert first.get_attribute("alt").strip()
        explorer = first.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][last()]")
        handle = explorer.locator(".noUi-handle").first
        if handle.count():
            before = first.get_attribute("src")
            handle.scroll_into_view_if_needed()
            handle.focus()
            at_top = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            handle.press("Home" if at_top else "End")
            page.wait_for_function(
                "before => { const img = document.querySelector("
                "'.widget-html-content img[src^=\"data:image/png\"]');"
                " return !!img && img.getAttribute('src') !== before; }",
                arg=before,
                timeout=120_000,
            )
        page.screenshot(path=str(screenshots / f"voila-{APP.stem}.png"), full_page=False)

        failing, allowed = axe_findings(page, ["body"])
        write_findings(f"voila-{APP.stem}", failing, allowed)
        assert not failing, "accessibility findings in the Voila app:\n" + "\n".join(
            " | ".join(finding) for finding in failing
        )
    finally:
        page.close()
