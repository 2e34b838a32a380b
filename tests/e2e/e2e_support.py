"""What the browser tests share: servers, folders, Chromium settings and the axe-core checks.

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
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
LESSONS = sorted(REPO.glob("lessons/[0-9][0-9]_*.ipynb"))
CHROMIUM = Path(os.environ.get("MSCPSO_EDU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
#: The machine CI runs on has two cores shared with the kernel and the server: be patient.
SERVER_START_S = 180
LESSON_RUN_S = 900
#: A Run All fails only when no further cell has finished for this long (not after a fixed
#: total): a busy machine makes the run slower, not stuck.
RUN_STALL_S = 240


# The notebook's kernel, asked through the app object that --LabApp.expose_app_in_browser shows.
KERNEL_READY = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""

# Run All has finished when the kernel is idle, nothing is queued ([*]) and every code cell has
# run, or an error stopped the run (then the error output is there to report).
RUN_FINISHED = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  const prompts = [...w.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent.trim());
  if (!k || k.status !== 'idle' || prompts.some(p => p.includes('*'))) return false;
  const ran = prompts.filter(p => /\\[\\d+\\]/.test(p)).length;
  const failed = w.node.querySelector(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
  return ran === prompts.length || (ran > 0 && !!failed);
}"""

# What a Run All has done so far: the prompts of the code cells ([*] running, [n] finished).
RUN_PROGRESS = """() => [...window.jupyterapp.shell.currentWidget.node
    .querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim()).join(' ')"""

ERROR_TEXTS = ("Traceback", "Error displaying widget", "Failed to load model", "Could not update")


def wait_while_progressing(page, done_js: str, progress_js: str, stall_s: float) -> None:
    """Poll ``done_js`` until it is true, failing only if ``progress_js`` stops changing.

    ``progress_js`` returns something that changes while the work advances (e.g. how many cells
    have finished). The wait has no total budget: it lasts as long as progress keeps coming, and
    fails with what was last seen after ``stall_s`` seconds without any.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    last = page.evaluate(progress_js)
    deadline = time.monotonic() + stall_s
    while True:
        try:  # returns as soon as it is done; otherwise look at the progress every 2 s
            page.wait_for_function(done_js, timeout=2000, polling=250)
            return
        except PlaywrightTimeout:
            pass
        now = page.evaluate(progress_js)
        if now != last:
            last, deadline = now, time.monotonic() + stall_s
        elif time.monotonic() > deadline:
            raise AssertionError(f"no progress for {stall_s:.0f} s (last seen: {last!r})")


# JupyterLab user settings for the test server: no autosave (the copied lessons stay clean and
# nothing races the test), no news or update checks (no network), and every cell in the DOM
# (no windowing), so the test sees every output without scrolling first.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def error_outputs(page) -> list[str]:
    """Texts of every output that shows an error (traceback, widget failure, explorer alert)."""
    texts = page.eval_on_selector_all(
        ".jp-OutputArea-output",
        "els => els.map(e => [e.dataset.mimeType || '', e.innerText])",
    )
    errors = []
    for mime, text in texts:
        traceback = mime == "application/vnd.jupyter.stderr" and "Traceback" in text
        if traceback or any(marker in text for marker in ERROR_TEXTS):
            errors.append(text)
    return [text[:2000] for text in errors]


def run_lesson_in_lab(page, lab_server, stem: str, workspace: str) -> None:
    """Open ``lessons/<stem>.ipynb`` in JupyterLab, run it with *Run > Run All Cells* as the
    README tells a learner to, wait while cells keep finishing, and fail on any error output.

    ``workspace`` is a JupyterLab workspace of the test's own, so the lab does not reopen the
    previous test's tab.
    """
    page.goto(
        f"{lab_server.base}/lab/workspaces/{workspace}/tree/lessons/{stem}.ipynb"
        f"?token={lab_server.token}"
    )
    page.wait_for_function(KERNEL_READY, timeout=180_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    wait_while_progressing(page, RUN_FINISHED, RUN_PROGRESS, RUN_STALL_S)
    errors = error_outputs(page)
    assert not errors, f"{stem} shows errors:\n" + "\n---\n".join(errors)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def private_env(root: Path) -> dict[str, str]:
    """The environment for a server whose every Jupyter and course folder lives under ``root``."""
    env = dict(os.environ)
    for name, sub in (
        ("JUPYTER_CONFIG_DIR", "jupyter/config"),
        ("JUPYTER_DATA_DIR", "jupyter/data"),
        ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "jupyter/lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "jupyter/lab-workspaces"),
        ("IPYTHONDIR", "ipython"),
        ("MSCPSO_EDU_HOME", "home"),
    ):
        env[name] = str(root / sub)
        (root / sub).mkdir(parents=True, exist_ok=True)
    env["MPLBACKEND"] = "Agg"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


@dataclass
class Server:
    """A running Jupyter server: where it listens and how to reach it."""

    process: subprocess.Popen
    port: int
    token: str
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """End every kernel session, so lessons do not pile up kernels in memory."""
        for session in self.api("GET", "/api/sessions") or []:
            self.api("DELETE", f"/api/sessions/{session['id']}")


def start_server(command: list[str], env: dict[str, str], log: Path, url: str) -> subprocess.Popen:
    """Start ``command`` in its own process group and wait until ``url`` answers."""
    handle = log.open("w")
    process = subprocess.Popen(
        command, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    handle.close()
    deadline = time.monotonic() + SERVER_START_S
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return process
        except urllib.error.HTTPError:
            return process  # it answers (maybe 403 before login): it is up
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None or time.monotonic() > deadline:
                stop_server(process)
                pytest.fail(f"server did not start: {' '.join(command)}\n{log.read_text()}")
            time.sleep(0.5)


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server's whole process group (it and its kernels)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


# -- accessibility -----------------------------------------------------------------------------

#: What fails the accessibility tests: axe-core's serious and critical findings, plus heading order
#: (axe calls it moderate, but a skipped level in our Markdown is ours to fix).
FAILING_IMPACTS = frozenset({"serious", "critical"})
ALWAYS_FAILING_RULES = frozenset({"heading-order"})


@dataclass(frozen=True)
class Allowed:
    """A finding that is not our content's: the axe rule, where (a CSS selector the element
    is inside), and why it is not ours."""

    rule: str
    inside: str
    why: str


#: The explicit allow-list. Every entry names an axe rule and the part of the page it may fire in;
#: a finding anywhere else, or of any other rule, fails the test.
ALLOWED = (
    # ipywidgets draws a slider as a noUiSlider handle (role="slider") next to a <label> that is not
    # tied to it, so the handle has no accessible name even though our description is shown in
    # that label. We cannot reach the handle from Python; `test_every_control_is_labelled` checks
    # that each of our sliders does carry a visible description.
    Allowed(
        "aria-input-field-name",
        ".widget-slider .noUi-handle",
        "ipywidgets' slider handle is not tied to its visible <label> (ipywidgets, not ours)",
    ),
)


def axe_findings(page, include: list[str], exclude: list[str] = ()) -> tuple[list, list]:
    """Run axe-core on the parts of ``page`` matched by ``include``.

    Returns
    -------
    (failing, allowed)
        Lists of ``(rule, impact, selector, summary)``: findings that fail the test, and findings
        on the allow-list (reported, not failed).
    """
    from axe_playwright_python.sync_playwright import Axe

    context = {"include": [[s] for s in include]}
    if exclude:
        context["exclude"] = [[s] for s in exclude]
    results = Axe().run(page, context=context, options={"resultTypes": ["violations"]})
    failing, allowed = [], []
    for violation in results.response["violations"]:
        rule, impact = violation["id"], violation["impact"]
        if impact not in FAILING_IMPACTS and rule not in ALWAYS_FAILING_RULES:
            continue
        for node in violation["nodes"]:
            selector = node["target"][0] if node["target"] else ""
            summary = (node.get("failureSummary") or violation["help"]).replace("\n", " ")
            finding = (rule, impact, selector, summary[:300])
            insides = [entry.inside for entry in ALLOWED if entry.rule == rule]
            is_allowed = bool(insides) and page.evaluate(
                "([sel, insides]) => { const el = document.querySelector(sel);"
                " return !!el && insides.some(s => el.closest(s)); }",
                [selector, insides],
            )
            (allowed if is_allowed else failing).append(finding)
    return failing, allowed


def write_findings(name: str, failing: list, allowed: list) -> None:
    """Keep every finding in ``artifacts/a11y/<name>.json`` for the report."""
    folder = ARTIFACTS / "a11y"
    folder.mkdir(parents=True, exist_ok=True)
    data = {"failing": failing, "allowed": allowed}
    (folder / f"{name}.json").write_text(json.dumps(data, indent=1))
