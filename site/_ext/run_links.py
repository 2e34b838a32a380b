"""Sphinx extension for the course site: a "Run this lesson" box at the top of each lesson page.

The box links to the lesson's notebook (the copy Sphinx keeps in ``_sources/``) and, when the site
is built for a GitHub repository (``mscpso_binder_repo`` or ``MSCPSO_EDU_BINDER_REPO``), to the
same lesson on Binder.
"""

from __future__ import annotations

import html
import os
from typing import Any

__all__ = ["setup"]


def _box(app: Any, pagename: str, context: dict[str, Any]) -> str:
    name = pagename.rsplit("/", 1)[-1]
    download = context["pathto"](f"_sources/{pagename}.ipynb", 1)
    links = [
        f'<a class="mscpso-download" href="{html.escape(download)}" download="{name}.ipynb">'
        "download the notebook</a> and open it with <code>mscpso-edu lab</code>"
    ]
    repo = os.environ.get("MSCPSO_EDU_BINDER_REPO") or app.config.mscpso_binder_repo
    if repo:
        ref = app.config.mscpso_binder_ref
        url = f"https://mybinder.org/v2/gh/{repo}/{ref}?urlpath=lab/tree/{pagename}.ipynb"
        links.append(f'<a class="mscpso-binder" href="{html.escape(url)}">open it on Binder</a>')
    return (
        '<div class="admonition tip mscpso-run-lesson" role="note">'
        '<p class="admonition-title">Run this lesson</p>'
        f"<p>This page is a static copy. To move the sliders and answer the quiz, "
        f"{' or '.join(links)}.</p></div>"
    )


def _add_box(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if not pagename.startswith("lessons/") or "body" not in context:
        return
    context["body"] = _box(app, pagename, context) + context["body"]


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("mscpso_binder_repo", "", "html")
    app.add_config_value("mscpso_binder_ref", "HEAD", "html")
    app.connect("html-page-context", _add_box)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
