"""The machinery every explorer shares: controls, one persistent figure, a readout, reset, cache.

An explorer is built by a factory function (``explore_*``) that makes its controls and figure and
hands them to :class:`Explorer` together with two callables:

``solve(values) -> result``
    The (possibly slow) model run for the current control values; its results are kept in a small
    LRU cache keyed by the values it depends on, so moving a slider back and forth does not
    recompute.
``draw(result, values) -> Readout``
    Updates the figure's existing artists in place (``set_data``, ``set_height``, ``set_text``)
    and returns the short readout text and the figure's alt text.

Rendering is synchronous: setting any control's ``value`` from Python solves, draws and encodes a
new PNG before the assignment returns, so tests and benchmarks can drive an explorer without a
browser. To keep that fast the static parts of the figure (axes, ticks, labels, legend) are drawn
once into a background that is reused (Agg "blitting"); only the artists that change are drawn on
top. The background is redrawn when an axis's limits change.
"""

from __future__ import annotations

import base64
import html
import io
import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox, IdentityTransform
from PIL import Image

from ..errors import CourseError
from ..style import ROLE_COLOURS, course_style

__all__ = [
    "CONTROL_STYLE",
    "Explorer",
    "Readout",
    "Scene",
    "SolutionCache",
    "TimeSpans",
    "checkbox",
    "dropdown",
    "fit_top",
    "float_slider",
    "int_slider",
    "new_figure",
]

log = logging.getLogger(__name__)

#: Let long descriptions (with units) show in full instead of being cut at a fixed width.
CONTROL_STYLE = {"description_width": "initial"}
# A control takes the width of the output (26em to 60em) rather than a fixed 26em: with a fixed
# width a long description left a slider's track a few pixels wide and cut checkbox labels short
# (seen in the browser tests' screenshots).
_CONTROL_LAYOUT = {"width": "auto", "min_width": "26em", "max_width": "60em"}

#: PNG compression level: 1 encodes several times faster than the default and the files are
#: only slightly larger (flat-colour plots compress well at any level).
_PNG_COMPRESS_LEVEL = 1


def float_slider(
    description: str,
    value: float,
    min: float,
    max: float,
    step: float,
    readout_format: str = ".2f",
    tooltip: str = "",
) -> widgets.FloatSlider:
    """A labelled float slider that updates when released (models are not free to run)."""
    return widgets.FloatSlider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=False,
        style=CONTROL_STYLE,
        layout=_CONTROL_LAYOUT,
        tooltip=tooltip,
    )


def int_slider(
    description: str,
    value: int,
    min: int,
    max: int,
    step: int = 1,
    tooltip: str = "",
) -> widgets.IntSlider:
    """A labelled integer slider that updates when released."""
    return widgets.IntSlider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        continuous_update=False,
        style=CONTROL_STYLE,
        layout=_CONTROL_LAYOUT,
        tooltip=tooltip,
    )


def dropdown(
    description: str, options: Sequence[tuple[str, Hashable]], value: Hashable, tooltip: str = ""
) -> widgets.Dropdown:
    """A labelled dropdown of ``(label, value)`` options."""
    return widgets.Dropdown(
        options=list(options),
        value=value,
        description=description,
        style=CONTROL_STYLE,
        layout=_CONTROL_LAYOUT,
        tooltip=tooltip,
    )


def checkbox(description: str, value: bool, tooltip: str = "") -> widgets.Checkbox:
    """A labelled checkbox."""
    return widgets.Checkbox(
        value=value,
        description=description,
        indent=False,
        style=CONTROL_STYLE,
        layout=_CONTROL_LAYOUT,
        tooltip=tooltip,
    )


def new_figure(width: float, height: float, dpi: float = 90, **subplots: Any) -> Figure:
    """Make a figure that belongs to no pyplot manager (so it never pops up or leaks).

    Call inside :func:`~mscpso_edu.style.course_style` so the artists pick up the course style.
    ``subplots`` are passed to :meth:`Figure.subplots`.
    """
    figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    if subplots:
        figure.subplots(**subplots)
    return figure


def fit_top(ax: Any, data_max: float, base_top: float, step: float) -> None:
    """Set the y-axis top to ``base_top``, or higher in whole ``step``s if the data need it.

    Limits only change when the data leave the usual range, so most updates reuse the cached
    background instead of redrawing the axes.
    """
    top = base_top
    if data_max > base_top:
        top = step * np.ceil(data_max * 1.05 / step)
    bottom = ax.get_ylim()[0]
    if ax.get_ylim()[1] != top:
        ax.set_ylim(bottom, top)


class TimeSpans:
    """Shaded windows (a stimulus, a treatment) drawn behind the curves on every time axis.

    Parameters
    ----------
    axes
        The axes whose x axis is time in days.
    roles
        One window per role, coloured by :data:`mscpso_edu.style.ROLE_COLOURS`.
    """

    def __init__(self, axes: Any, roles: tuple[str, ...] = ("activates", "therapy")) -> None:
        self.roles = roles
        self.patches: list[list[Rectangle]] = []
        for ax in axes:
            row = []
            for role in roles:
                patch = Rectangle(
                    (0, 0), 0, 1, transform=ax.get_xaxis_transform(), color=ROLE_COLOURS[role]
                )
                patch.set_alpha(0.12)
                patch.set_zorder(0)
                ax.add_patch(patch)
                row.append(patch)
            self.patches.append(row)

    def set(self, role: str, start: float, width: float) -> None:
        """Place the window of ``role`` from day ``start`` for ``width`` days on every axis."""
        column = self.roles.index(role)
        for row in self.patches:
            row[column].set_x(start)
            row[column].set_width(width)

    @property
    def artists(self) -> list[Rectangle]:
        """Every patch, for the explorer's list of dynamic artists."""
        return [patch for row in self.patches for patch in row]


class SolutionCache:
    """A least-recently-used cache of model results keyed by control values.

    ``hits`` and ``misses`` count lookups, so tests can check that returning to earlier values
    does not recompute.
    """

    def __init__(self, maxsize: int = 64) -> None:
        if maxsize < 1:
            raise CourseError(f"cache size must be at least 1, found {maxsize}")
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, Any] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return the cached value for ``key``, computing and storing it on a miss."""
        if key in self._items:
            self.hits += 1
            self._items.move_to_end(key)
            return self._items[key]
        self.misses += 1
        value = compute()
        self._items[key] = value
        if len(self._items) > self.maxsize:
            self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every stored result (the counters are kept)."""
        self._items.clear()


@dataclass(frozen=True)
class Scene:
    """A built figure, the artists that change, and the function that changes them.

    Kept apart from :class:`Explorer` so the benchmark can rebuild a scene per change (the naive
    way) and compare it with in-place updates.
    """

    figure: Figure
    dynamic_artists: list[Artist]
    draw: Callable[[Any, dict[str, Any]], Readout]


@dataclass(frozen=True)
class Readout:
    """What one redraw says in words: the live readout and the figure's alt text."""

    text: str
    alt: str
    notes: str | None = None  # new HTML for the notes box, or None to keep it


class Explorer(widgets.VBox):
    """One explorer: labelled controls, one persistent figure, a live readout and a reset button.

    Parameters
    ----------
    title : str
        Shown above the controls.
    controls : mapping
        Control name -> value widget, in display order (unless ``control_box`` lays them out).
    figure : matplotlib.figure.Figure
        The figure whose artists ``draw`` updates; made with :func:`new_figure`.
    dynamic_artists : iterable of Artist
        The artists ``draw`` changes. They are drawn on top of a cached background.
    solve : callable
        ``solve(values) -> result``, given a dict of the control values named in ``solve_keys``.
    draw : callable
        ``draw(result, values) -> Readout``, given the result and all control values.
    solve_keys : sequence of str, optional
        The controls the model run depends on (default: all). Display-only controls left out
        of it never trigger a new run.
    notes : str, optional
        HTML shown under the figure: sources and which mappings are our interpretation.
    control_box : Widget, optional
        A custom layout of the controls (default: one column).
    cache_size : int
        How many results to keep.
    extra_caches : sequence of SolutionCache
        Partial-result caches that :meth:`clear_caches` should also clear.

    Attributes
    ----------
    controls : dict
        Name -> widget. Setting ``controls[name].value`` redraws before returning.
    defaults : dict
        The starting values, restored by :meth:`reset`.
    readout : ipywidgets.HTML
        The live readout.
    image : ipywidgets.HTML
        The figure as ``<img alt=...>``.
    png : bytes
        The figure's latest PNG.
    alt_text : str
        The figure's latest alt text.
    error : ipywidgets.HTML
        Empty, or the message of the last failed update.
    last_error : Exception or None
        The exception behind :attr:`error`.
    cache : SolutionCache
        Recent model results.
    extra_caches : tuple of SolutionCache
        Caches of partial results (e.g. one arm of a comparison) that ``solve`` keeps.
    notes : ipywidgets.HTML
        Sources and labels (our interpretation, illustrative) for what is shown.
    renders : int
        How many PNGs have been produced.
    """

    def __init__(
        self,
        *,
        title: str,
        controls: Mapping[str, widgets.ValueWidget],
        figure: Figure,
        dynamic_artists: Iterable[Artist],
        solve: Callable[[dict[str, Any]], Any],
        draw: Callable[[Any, dict[str, Any]], Readout],
        solve_keys: Sequence[str] | None = None,
        notes: str = "",
        control_box: widgets.Widget | None = None,
        cache_size: int = 64,
        extra_caches: Sequence[SolutionCache] = (),
    ) -> None:
        self.controls: dict[str, widgets.ValueWidget] = dict(controls)
        self.defaults: dict[str, Any] = {name: w.value for name, w in self.controls.items()}
        self.figure = figure
        self.cache = SolutionCache(cache_size)
        self.extra_caches = tuple(extra_caches)
        self.renders = 0
        self.png = b""
        self.alt_text = ""
        self.last_error: Exception | None = None
        self._solve = solve
        self._draw = draw
        unknown = set(solve_keys or ()) - set(self.controls)
        if unknown:
            raise CourseError(f"solve_keys name controls that do not exist: {sorted(unknown)}")
        self._solve_keys = tuple(solve_keys) if solve_keys is not None else tuple(self.controls)
        self._dynamic = list(dynamic_artists)
        for artist in self._dynamic:
            # Animated artists are skipped by a full draw; we draw them over the background.
            artist.set_animated(True)
        self._background = None
        self._background_key: tuple = ()
        self._boxes: list[Bbox] = []  # where each axes was last drawn, in pixels
        self._suspended = False

        self.readout = widgets.HTML(layout={"min_height": "2.5em"})
        self.image = widgets.HTML()
        self.error = widgets.HTML()
        self.reset_button = widgets.Button(
            description="Reset", tooltip="Restore every control to its starting value", icon="undo"
        )
        self.reset_button.on_click(lambda _button: self.reset())
        for widget in self.controls.values():
            widget.observe(self._on_change, names="value")

        heading = widgets.HTML(f"<h4 style='margin:0.2em 0'>{html.escape(title)}</h4>")
        body = control_box or widgets.VBox(list(self.controls.values()))
        self.notes = widgets.HTML(self._notes_html(notes))
        parts = [heading, body, self.reset_button, self.error, self.readout, self.image, self.notes]
        super().__init__(parts)
        self.refresh()

    # -- public -------------------------------------------------------------------------------

    @property
    def dynamic_artists(self) -> tuple[Artist, ...]:
        """The artists each update changes (for tests: their data should move)."""
        return tuple(self._dynamic)

    @property
    def values(self) -> dict[str, Any]:
        """The current control values by name."""
        return {name: widget.value for name, widget in self.controls.items()}

    def refresh(self) -> None:
        """Solve (or fetch from the cache), update the artists and encode a new PNG.

        Errors never escape: the message is shown in :attr:`error` and kept in
        :attr:`last_error`, and the previous figure stays on screen.
        """
        try:
            values = self.values
            key = tuple((name, values[name]) for name in self._solve_keys)
            result = self.cache.get(key, lambda: self._solve({k: v for k, v in key}))
            with course_style():
                said = self._draw(result, values)
                self._render()
            self.readout.value = f"<b>{html.escape(said.text)}</b>"
            if said.notes is not None:
                self.notes.value = self._notes_html(said.notes)
            self.alt_text = said.alt
            width, height = self.figure.canvas.get_width_height()
            encoded = base64.b64encode(self.png).decode("ascii")
            self.image.value = (
                f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(said.alt)}" '
                f'width="{width}" height="{height}" style="max-width:100%;height:auto">'
            )
            self.error.value = ""
            self.last_error = None
        except Exception as exc:  # shown to the learner, never swallowed
            self._show_error(exc)

    def static_html(self) -> str:
        """The explorer as it stands, as plain HTML: title, readout, figure (with alt) and notes.

        Shown where no widget can run (the static website, nbconvert); the controls are not.
        """
        parts = [child.value for child in self.children if isinstance(child, widgets.HTML)]
        note = "<p><em>Open the lesson in JupyterLab to move the controls.</em></p>"
        return f'<div class="mscpso-static-explorer">{"".join(parts)}{note}</div>'

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        # The live widget for JupyterLab and Voila, plus a still copy that a viewer without a
        # widget manager (the static site) shows instead.
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            data["text/html"] = self.static_html()
        return data

    def clear_caches(self) -> None:
        """Forget every cached result (used by the benchmark to time cold updates)."""
        self.cache.clear()
        for cache in self.extra_caches:
            cache.clear()

    def reset(self) -> None:
        """Restore every control to its starting value and redraw once."""
        with self._hold():
            for name, widget in self.controls.items():
                widget.value = self.defaults[name]
        self.refresh()

    # -- internals ----------------------------------------------------------------------------

    @contextmanager
    def _hold(self):
        self._suspended = True
        try:
            yield
        finally:
            self._suspended = False

    def _on_change(self, _change: Mapping[str, Any]) -> None:
        if not self._suspended:
            self.refresh()

    def _axes_boxes(self, only: list[Any] | None = None) -> list[Bbox]:
        """Pixel extent of each axes with its labels; ``only`` recomputes just those axes.

        Tight boxes are costly (a streamplot's arrows take tens of ms), and an axes whose
        limits did not change keeps its box, so the others come from the last render.
        """
        renderer = self.figure.canvas.get_renderer()
        return [
            ax.get_tightbbox(renderer).padded(1) if only is None or ax in only else self._boxes[i]
            for i, ax in enumerate(self.figure.axes)
        ]

    def _repaint_axes(self, changed: list[Any]) -> None:
        canvas = self.figure.canvas
        renderer = canvas.get_renderer()
        canvas.restore_region(self._background)
        axes = self.figure.axes
        # Blank where each changed axes was drawn before *and* where it will be drawn now (old
        # tick labels may reach beyond the new extent); repaint any axes that area touches.
        new_boxes = self._axes_boxes(only=changed)
        areas = [
            Bbox.union([self._boxes[i], new_boxes[i]]) for i, ax in enumerate(axes) if ax in changed
        ]
        repaint = [
            i
            for i, ax in enumerate(axes)
            if ax in changed or any(new_boxes[i].overlaps(area) for area in areas)
        ]
        for i in repaint:
            areas.append(Bbox.union([self._boxes[i], new_boxes[i]]))
        for area in areas:
            area = Bbox.intersection(area, self.figure.bbox)
            if area is None:
                continue
            blank = Rectangle(
                (area.x0, area.y0),
                area.width,
                area.height,
                transform=IdentityTransform(),
                facecolor=self.figure.get_facecolor(),
                edgecolor="none",
            )
            blank.set_figure(self.figure)
            blank.draw(renderer)
        for i in repaint:
            axes[i].draw(renderer)  # animated (dynamic) artists are skipped, as in a full draw
        self._boxes = new_boxes
        self._background = canvas.copy_from_bbox(self.figure.bbox)

    @staticmethod
    def _notes_html(notes: str) -> str:
        return f"<div style='font-size:0.85em'>{notes}</div>" if notes else ""

    def _show_error(self, exc: Exception) -> None:
        self.last_error = exc
        message = str(exc) if isinstance(exc, CourseError) else f"{type(exc).__name__}: {exc}"
        # Kept for developers at DEBUG level; the learner sees one readable line.
        log.debug("explorer update failed", exc_info=exc)
        self.error.value = (
            "<div role='alert' style='color:#B00020;font-weight:bold'>"
            f"Could not update the figure: {html.escape(message)}</div>"
        )

    def _render(self) -> None:
        canvas = self.figure.canvas
        key = tuple((*ax.get_xlim(), *ax.get_ylim()) for ax in self.figure.axes)
        if self._background is None:
            canvas.draw()
            # Freeze the layout computed for the first draw: re-running the constrained layout
            # on every change costs as much as drawing the whole figure.
            self.figure.set_layout_engine("none")
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._boxes = self._axes_boxes()
        elif key != self._background_key:
            # Only some axes changed their limits: repaint just those (with their ticks and
            # labels) over the old background instead of drawing the whole figure again.
            changed = [
                ax
                for ax, new, old in zip(self.figure.axes, key, self._background_key, strict=True)
                if new != old
            ]
            self._repaint_axes(changed)
        else:
            canvas.restore_region(self._background)
        self._background_key = key
        for artist in self._dynamic:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        width, height = canvas.get_width_height()
        buffer = io.BytesIO()
        Image.frombuffer(
            "RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        ).convert("RGB").save(buffer, "PNG", compress_level=_PNG_COMPRESS_LEVEL)
        self.png = buffer.getvalue()
        self.renders += 1
