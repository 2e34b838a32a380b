"""The static website: built offline with Jupyter Book 1, every lesson page opened in Chromium.

The build is the one ``make site`` runs (same table of contents and configuration), into a
temporary folder, with one difference that saves running every lesson yet again: the lessons are
the notebooks this test run already executed top to bottom in a fresh kernel (``executed_lessons``,
shared with the taught-in-lessons check), so Jupyter Book renders their outputs instead of
executing them itself (``execute_notebooks: off``). Each lesson page must show executed outputs
with no traceback, figures with alt text, the "Run this lesson" box with a working notebook
download, and the quiz with its answers hidden until the reader opens them; axe-core checks the
article (our content).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from e2e_support import (
    LESSONS,
    REPO,
    axe_findings,
    private_env,
    write_findings,
)
from executed_lessons import executed_lesson

pytestmark = pytest.mark.e2e

BUILD_S = 1800


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the site (as ``make site`` does) and serve it on a loopback port."""
    pytest.importorskip("jupyter_book", reason="install the site extra: pip install -e '.[site]'")
    root = tmp_path_factory.mktemp("site")
    # The book as make site builds it, with the executed lessons in place of the clean ones.
    source = root / "book"
    shutil.copytree(REPO / "site", source / "site", ignore=shutil.ignore_patterns("_build"))
    (source / "lessons").mkdir()
    for lesson in LESSONS:
        shutil.copy(executed_lesson(lesson.stem), source / "lessons" / lesson.name)
    config = yaml.safe_load((REPO / "site" / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"
    (source / "site" / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    book = Path(sys.executable).parent / "jupyter-book"
    command = [
        str(book), "build", str(source), "--config", "site/_config.yml", "--toc", "site/_toc.yml",
        "--path-output", str(root),
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=source, env=private_env(root / "env"), capture_output=True, text=True,
        timeout=BUILD_S,
    )  # fmt: skip
    log = result.stdout + result.stderr
    (root / "build.log").write_text(log)
    assert result.returncode == 0, log[-5000:]
    html = root / "_build" / "html"
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(html)
    )  # serves files only, no listing of anything outside the build
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(root / "env", ignore_errors=True)


def test_site_has_a_page_per_lesson_and_an_intro(context, site, screenshots):
    page = context.new_page()
    try:
        page.goto(f"{site}/index.html")
        assert "How to run a lesson" in page.locator("article").inner_text()
        nav = page.locator("nav.bd-docs-nav a").all_inner_texts()
        for lesson in LESSONS:
            assert any(text.startswith(f"Lesson {lesson.stem[:2]}") for text in nav), (
                lesson.stem,
                nav,
            )
        page.screenshot(path=str(screenshots / "site-index.png"))
    finally:
        page.close()


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_page(context, site, screenshots, lesson):
    page = context.new_page()
    try:
        response = page.goto(f"{site}/lessons/{lesson.stem}.html")
        assert response.ok
        article = page.locator("article.bd-article")
        text = article.inner_text()
        assert "Traceback" not in text, text[text.find("Traceback") :][:2000]
        assert page.locator("article .output.error, article .output.traceback").count() == 0

        # Executed: the code cells have outputs, and the explorers show their still figure.
        assert page.locator("article .cell_output").count() > 0
        images = article.locator("img")
        assert images.count() >= 2, "a lesson has at least two figures"
        for alt in images.evaluate_all("imgs => imgs.map(i => i.getAttribute('alt'))"):
            assert alt and alt.strip(), "a figure without alt text"
        assert article.locator(".mscpso-static-explorer img").count() >= 1

        # A way to run the lesson, whose notebook link really downloads the notebook.
        box = article.locator(".mscpso-run-lesson")
        href = box.locator("a.mscpso-download").get_attribute("href")
        notebook = page.request.get(f"{site}/lessons/{href}")
        assert notebook.ok and notebook.json()["cells"], href

        # Quizzes: answers start hidden and open with a click on "Show answer".
        quiz = article.locator(".mscpso-static-quiz").last
        details = quiz.locator("details").first
        assert details.get_attribute("open") is None
        answer = details.locator("p").first
        assert not answer.is_visible()
        details.locator("summary").click()
        assert answer.is_visible()
        details.scroll_into_view_if_needed()
        if lesson == LESSONS[0]:
            page.screenshot(path=str(screenshots / "site-quiz.png"))
            article.locator(".mscpso-static-explorer").first.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshots / "site-explorer.png"))

        failing, allowed = axe_findings(page, ["article.bd-article"])
        theme, _ = axe_findings(page, ["body"], ["article.bd-article"])
        write_findings(f"site-{lesson.stem}", failing, allowed + theme)
        assert not failing, "accessibility findings in our pages:\n" + "\n".join(
            " | ".join(finding) for finding in failing
        )
    finally:
        page.close()
