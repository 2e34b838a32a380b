"""Every lesson in JupyterLab, as a learner uses it: run all, explore, answer, and axe-core.

One test per ``lessons/*.ipynb`` (new lessons are picked up automatically). Each opens the lesson
in the shared server and browser, runs it with *Run > Run All Cells*, and then checks what a
learner would see: no tracebacks, every explorer drawn with alt text and labelled controls, a
moved slider that changes its figure, a quiz answer that gets feedback (and, in a lesson with a
code exercise, the unfinished starter checked and told which tests failed), and no serious
accessibility finding in our content. A screenshot of the explorer and of the quiz feedback goes
to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from e2e_support import LESSONS, axe_findings, run_lesson_in_lab, write_findings

pytestmark = pytest.mark.e2e

# Each explorer is an ipywidgets VBox whose figure is a PNG <img> in an HTML widget.
EXPLORERS = """() => [...window.jupyterapp.shell.currentWidget.node
    .querySelectorAll('.jp-OutputArea-output > .widget-vbox')]
  .filter(box => box.querySelector('.widget-html-content img[src^="data:image/png"]'))
  .map((box, i) => { box.dataset.e2eExplorer = String(i); return i; })"""


def code_cell_count(lesson: Path) -> int:
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    return sum(1 for cell in cells if cell["cell_type"] == "code")


def move_a_slider(page, selector: str) -> str:
    """Press End (or Home at the top) on the explorer's sliders until its figure changes.

    Returns the label of the slider that changed the figure; fails if none does.
    """
    explorer = page.locator(selector)
    image_selector = f"{selector} .widget-html-content img"
    image = page.locator(image_selector).first
    handles = explorer.locator(".widget-slider .noUi-handle")
    controls = handles.count()
    if controls == 0:
        # An explorer without sliders: choose another option of its first dropdown.
        select = explorer.locator(".widget-dropdown select").first
        before = image.get_attribute("src")
        options = select.locator("option").all_inner_texts()
        current = select.evaluate("s => s.selectedIndex")
        select.select_option(index=(current + 1) % len(options))
        assert figure_changed(page, image_selector, before), "the dropdown did not change it"
        return explorer.locator(".widget-dropdown .widget-label").first.inner_text()
    for index in range(min(controls, 4)):
        handle = handles.nth(index)
        before = image.get_attribute("src")
        at_top = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        handle.focus()
        handle.press("Home" if at_top else "End")
        if not figure_changed(page, image_selector, before):
            continue  # this control does not change the picture (e.g. a display choice)
        label = explorer.locator(".widget-slider").nth(index).locator(".widget-label")
        return label.inner_text()
    pytest.fail("moving the explorer's sliders never changed its figure")


# After a control moves, the figure has changed, or the kernel has handled the change and been
# idle for two seconds without changing it (that control does not change the picture).
FIGURE_SETTLED = """([sel, before, start]) => {
  const img = document.querySelector(sel);
  if (img && img.getAttribute('src') !== before) return 'changed';
  const w = window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
  const now = Date.now();
  if (!k || k.status !== 'idle') { window.e2eIdleSince = 0; return false; }
  if (!window.e2eIdleSince) window.e2eIdleSince = now;
  return now - start > 3000 && now - window.e2eIdleSince > 2000 ? 'unchanged' : false;
}"""


def figure_changed(page, image_selector: str, before: str, timeout_s: float = 120) -> bool:
    """Whether the figure's ``src`` changed from ``before`` once the kernel settled.

    The HTML widget replaces its whole content on each update, so the <img> is found anew.
    """
    start = page.evaluate("() => { window.e2eIdleSince = 0; return Date.now(); }")
    outcome = page.wait_for_function(
        FIGURE_SETTLED, arg=[image_selector, before, start], timeout=timeout_s * 1000
    )
    return outcome.json_value() == "changed"


def answer_a_quiz_question(page) -> str:
    """Click an option of the first choice question, press its Check button, return feedback."""
    radio = page.locator(".jp-OutputArea-output .widget-radio-box input[type=radio]").first
    if radio.count():
        panel = radio.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
        radio.locator("xpath=..").click()  # the option's <label>, as a learner clicks the text
    else:
        box = page.locator(".jp-OutputArea-output .widget-checkbox input[type=checkbox]").first
        panel = box.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][2]")
        box.click()
    panel.get_by_role("button", name="Check").click()
    feedback = panel.locator("[role=status], [role=alert]").first
    feedback.wait_for(state="visible", timeout=60_000)
    feedback.scroll_into_view_if_needed()
    return feedback.inner_text()


def has_code_exercise(lesson: Path) -> bool:
    """Whether the lesson has a code exercise (a code cell tagged ``exercise``)."""
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    return any("exercise" in c.get("metadata", {}).get("tags", []) for c in cells)


def check_a_code_exercise(page) -> str:
    """Press Check on the first code exercise (the starter cell ran as is); return feedback."""
    # The exercise's code box, labelled "Your code" (a reflection's box is "Your text").
    field = page.locator(".jp-OutputArea-output .widget-textarea", has_text="Your code").first
    box = field.locator("textarea")
    panel = field.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][2]")
    panel.get_by_role("button", name="Check").click()
    feedback = panel.locator("[role=status], [role=alert]").first
    feedback.wait_for(state="visible", timeout=60_000)
    feedback.scroll_into_view_if_needed()
    assert "def " in box.input_value(), "the checked code is not shown to the learner"
    return feedback.inner_text()


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_and_responds_in_jupyterlab(context, lab_server, screenshots, lesson):
    page = context.new_page()
    try:
        run_lesson_in_lab(page, lab_server, lesson.stem, workspace=f"e2e-{lesson.stem}")
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        assert len(prompts) == code_cell_count(lesson)
        assert all("[" in p and any(c.isdigit() for c in p) for p in prompts), prompts

        explorers = page.evaluate(EXPLORERS)
        assert explorers, f"{lesson.name} has no explorer with a figure"
        for index in explorers:
            selector = f"[data-e2e-explorer='{index}']"
            explorer = page.locator(selector)
            image = explorer.locator(".widget-html-content img").first
            assert image.get_attribute("alt").strip(), f"explorer {index}: figure has no alt text"
            assert image.evaluate("img => img.complete && img.naturalWidth > 100")
            # Every control of ours carries a visible description.
            labels = explorer.locator(
                ".widget-slider > .widget-label, .widget-dropdown > .widget-label"
            ).all_inner_texts()
            assert all(label.strip() for label in labels), f"explorer {index}: unlabelled control"
            # Every slider has a track a learner can see and drag, however long its label.
            tracks = explorer.locator(".widget-slider .slider-container").evaluate_all(
                "els => els.map(e => [e.parentElement.innerText, e.getBoundingClientRect().width])"
            )
            narrow = [(label.strip(), width) for label, width in tracks if width < 40]
            assert not narrow, f"explorer {index}: slider tracks under 40 px wide: {narrow}"
            explorer.scroll_into_view_if_needed()
            moved = move_a_slider(page, selector)
            assert moved.strip()
            if index == explorers[0]:
                page.screenshot(path=str(screenshots / f"{lesson.stem}.png"))

        feedback = answer_a_quiz_question(page)
        assert "point" in feedback or feedback.strip(), feedback
        page.screenshot(path=str(screenshots / f"{lesson.stem}-quiz.png"))
        if has_code_exercise(lesson):
            # The starter is unfinished on purpose: the learner is told which tests failed.
            feedback = check_a_code_exercise(page)
            assert "tests passed" in feedback and "Failed:" in feedback, feedback
            page.screenshot(path=str(screenshots / f"{lesson.stem}-code-exercise.png"))

        # Accessibility of our content: rendered Markdown and every output (figures, widgets).
        failing, allowed = axe_findings(page, [".jp-RenderedMarkdown", ".jp-OutputArea-output"])
        # JupyterLab's own interface, recorded for the report but not ours to fix.
        lab_own, _ = axe_findings(page, ["body"], [".jp-RenderedMarkdown", ".jp-OutputArea-output"])
        write_findings(f"lab-{lesson.stem}", failing, allowed + lab_own)
        assert not failing, "accessibility findings in our content:\n" + "\n".join(
            " | ".join(finding) for finding in failing
        )
    finally:
        page.close()
        lab_server.shutdown_kernels()
