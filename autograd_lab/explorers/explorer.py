"""What every explorer shares: its controls, its picture as PNG, its live widget, its frames.

An explorer is a pure function `frame(**params) -> (Figure, values)` plus a description of
the controls that set `params`. In a notebook it shows, in this order:

1. the current frame as a plain PNG (a display with an id, so the notebook reads well
   unexecuted and the widget can replace the picture in place), which also carries a few
   precomputed frames under `MIME` for the handout's offline slider;
2. the controls (ipywidgets 8 sliders and menus) with a line of values below them.

Moving a control renders the new frame and updates the picture and the values; nothing is
drawn with pyplot, so no figure is left open and nothing changes matplotlib's global state.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from autograd_lab import language
from autograd_lab.fonts import course_rc
from autograd_lab.language import say

# The handout finds an explorer's frames under this key of the picture's output.
MIME = "application/vnd.autograd-lab.explorer+json"
DPI = 80
# Frames are laid out at DPI and rendered at DENSITY times its pixels, then shown at the layout's
# size: sharp on high-density screens and in the printed handout, like the inline figures
# ("retina"), with the same text sizes as before.
DENSITY = 2
# CSS classes the browser test (and a curious reader) can find the parts by.
CONTROLS_CLASS = "autograd-lab-explorer"
# each kind of explorer's name, the title of its frames
NAMES = {
    "tangent": "explorers.name_tangent",
    "finite_differences": "explorers.name_finite_differences",
    "gradient_descent": "explorers.name_gradient_descent",
    "backward": "explorers.name_backward",
}
READOUT_CLASS = "autograd-lab-readout"


@dataclass(frozen=True)
class Control:
    """One control of an explorer: which parameter it sets and how."""

    name: str
    label: str  # the message key of its label ("explorers.name")
    kind: str  # "float", "log" (a power of ten), "int" or "choice"
    low: float = 0.0  # for "log": the exponents
    high: float = 1.0
    step: float = 1.0
    options: tuple[tuple[str, Any], ...] = ()  # for "choice": (text shown, value)

    def __post_init__(self) -> None:
        if self.kind not in ("float", "log", "int", "choice"):
            raise ValueError(f"unknown control kind {self.kind!r}")


@dataclass(frozen=True)
class Tour:
    """The frames the handout precomputes: one control moved through some values."""

    control: str
    values: tuple
    key: tuple[int, ...]  # the indices of the frames the printed strip shows


@dataclass
class Explorer:
    """An explorer over `render(lang, **params)`; displayed in a notebook it is live."""

    kind: str
    controls: tuple[Control, ...]
    render: Callable[..., tuple[Figure, dict]]
    params: dict
    tour: Tour
    lang: str
    # called with (name, value, params) when a control changes; returns the new params and the
    # controls whose ranges moved, as {name: {"low": .., "high": .., "step": ..}}
    adjust: Callable[[str, Any, dict], tuple[dict, dict]] | None = None
    _handle: Any = field(default=None, repr=False)

    @property
    def title(self) -> str:
        """The explorer's name in its language."""
        return say(NAMES[self.kind], self.lang)

    def frame(self, **changes) -> tuple[Figure, dict]:
        """Render the frame for the current parameters, changed by `changes`."""
        unknown = set(changes) - set(self.params)
        if unknown:
            raise TypeError(
                f"unknown parameter {', '.join(sorted(unknown))}: this explorer takes "
                f"{', '.join(self.params)}"
            )
        return self.render(lang=self.lang, **{**self.params, **changes})

    def picture(self, **changes) -> tuple[bytes, dict]:
        """The frame as PNG bytes, and its values."""
        fig, values = self.frame(**changes)
        return png(fig), values

    def setting(self, name: str, value) -> str:
        """How a control's value reads, e.g. "x₀ = 0.5"."""
        control = next((c for c in self.controls if c.name == name), None)
        if control is None:
            choices = ", ".join(c.name for c in self.controls)
            raise ValueError(
                say("explorers.bad_setting", self.lang, got=repr(name), choices=choices)
            )
        label = say(control.label, self.lang)
        if control.kind == "choice":
            shown = next((text for text, v in control.options if v == value), value)
            return f"{label}: {shown}"
        return f"{label} = {number(value)}"

    # --- the handout's frames ------------------------------------------------------------
    def handout_frames(self) -> dict:
        """Precompute the tour's frames for the handout: PNGs, settings and captions."""
        frames = []
        for value in self.tour.values:
            image, values = self.picture(**{self.tour.control: value})
            frames.append(
                {
                    "setting": self.setting(self.tour.control, value),
                    "png": base64.b64encode(compact(image)).decode("ascii"),
                    "width": shown_size(image)[0],
                    "caption": values["caption"],
                }
            )
        current = self.params[self.tour.control]
        start = min(range(len(self.tour.values)), key=lambda i: abs(self.tour.values[i] - current))
        control = next(c for c in self.controls if c.name == self.tour.control)
        return {
            "explorer": self.kind,
            "title": self.title,
            "control": say(control.label, self.lang),
            "frames": frames,
            "start": start,
            "key": list(self.tour.key),
        }

    # --- in a notebook ---------------------------------------------------------------------
    def _bundle(self, image: bytes, frames: dict | None = None) -> dict:
        setting = "; ".join(
            self.setting(c.name, self.params[c.name]) for c in self.controls if c.kind != "choice"
        )
        data = {
            "image/png": base64.b64encode(image).decode("ascii"),
            "text/plain": say("explorers.picture", self.lang, explorer=self.title, setting=setting),
        }
        if frames is not None:
            data[MIME] = frames
        return data

    def _ipython_display_(self) -> None:
        from IPython.display import display

        image, values = self.picture()
        # the picture a notebook stores, in 256 colours like the handout's frames: at twice the
        # pixels a third of the bytes (150 KB -> 48 KB for the gradient-descent frame)
        bundle = self._bundle(compact(image), self.handout_frames())
        self._handle = display(bundle, raw=True, display_id=True, metadata=_shown(image))
        display(self.widget(values))

    def widget(self, values: dict | None = None):
        """The controls and the line of values, wired to the picture shown above them."""
        import ipywidgets as widgets

        if values is None:
            values = self.frame()[1]
        readout = widgets.HTML(caption_html(values["caption"]))
        readout.add_class(READOUT_CLASS)
        inputs = {c.name: _make_input(c, self.params[c.name], self.lang) for c in self.controls}

        def changed(change) -> None:
            name = change["owner"]._explorer_name
            self.params[name] = change["new"]
            if self.adjust is not None:
                new_params, ranges = self.adjust(name, change["new"], dict(self.params))
                for other, bounds in ranges.items():
                    _set_range(inputs[other], bounds, new_params[other])
                self.params.update(new_params)
            image, new_values = self.picture()
            if self._handle is not None:
                self._handle.update(self._bundle(image), raw=True, metadata=_shown(image))
            readout.value = caption_html(new_values["caption"])

        for name, box in inputs.items():
            box._explorer_name = name
            box.observe(changed, names="value")
        return _Controls(
            children=[*inputs.values(), readout], text=say("explorers.controls", self.lang)
        )


@functools.cache
def _controls_class():
    import ipywidgets as widgets

    class Controls(widgets.VBox):
        """The explorer's controls; as plain text, a sentence saying what they are."""

        def __init__(self, children, text: str):
            super().__init__(children=children)
            self._text = text
            self.add_class(CONTROLS_CLASS)

        def __repr__(self) -> str:
            return self._text

    return Controls


def _Controls(children, text):  # noqa: N802  (a class built lazily: ipywidgets loads on display)
    return _controls_class()(children, text)


def _make_input(control: Control, value, lang: str):
    import ipywidgets as widgets

    label = say(control.label, lang)
    common = {
        "description": label,
        "continuous_update": False,  # one frame when the slider is released, not dozens
        "style": {"description_width": "initial"},
        "layout": widgets.Layout(width="28rem"),
    }
    if control.kind == "choice":
        options = list(control.options)
        common.pop("continuous_update")
        return widgets.Dropdown(options=options, value=value, **common)
    if control.kind == "log":
        return widgets.FloatLogSlider(
            value=value,
            base=10,
            min=control.low,
            max=control.high,
            step=control.step,
            readout_format=".0e",
            **common,
        )
    if control.kind == "int":
        return widgets.IntSlider(
            value=value, min=int(control.low), max=int(control.high), step=1, **common
        )
    return widgets.FloatSlider(
        value=value,
        min=control.low,
        max=control.high,
        step=control.step,
        readout_format=".3g",
        **common,
    )


def _set_range(box, bounds: Mapping, value) -> None:
    # Widen first so that the new value is never clipped by the old bounds.
    box.min = min(box.min, bounds["low"])
    box.max = max(box.max, bounds["high"])
    box.step = bounds.get("step", box.step)
    box.value = value
    box.min, box.max = bounds["low"], bounds["high"]


# --- drawing and numbers -------------------------------------------------------------------


def new_figure(width: float, height: float) -> Figure:
    """A figure of the given size in inches, outside pyplot (nothing is left open)."""
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes in the course style, with no timestamp or version."""
    buffer = io.BytesIO()
    with mpl.rc_context(course_rc()), warnings.catch_warnings():
        # A missing glyph would print to stderr in a notebook: an explorer must not draw one.
        warnings.simplefilter("error", UserWarning)
        fig.savefig(buffer, format="png", dpi=fig.dpi * DENSITY, metadata={"Software": None})
    return buffer.getvalue()


def shown_size(image: bytes) -> tuple[int, int]:
    """The size in CSS pixels a frame is shown at: its PNG's pixels divided by DENSITY."""
    # a PNG's width and height are the two big-endian integers of its IHDR chunk, bytes 16-24
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    return round(width / DENSITY), round(height / DENSITY)


def _shown(image: bytes) -> dict:
    """The display metadata that shows a frame at its layout size (what JupyterLab reads)."""
    width, height = shown_size(image)
    return {"image/png": {"width": width, "height": height}}


def compact(image: bytes) -> bytes:
    """The same PNG in 256 colours: a third of the size, for the frames a notebook stores."""
    from PIL import Image

    picture = Image.open(io.BytesIO(image)).convert("RGB")
    # Median cut without dithering: deterministic, and it keeps the few pixels of a marker.
    fewer = picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    fewer.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def number(value) -> str:
    """A short, stable form of a number for captions: four significant digits."""
    value = float(value)
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return str(value)
    if abs(value) < 1e-3 or abs(value) >= 1e5:
        return f"{value:.2e}"
    return f"{value:.4g}"


def array_text(values) -> str:
    """A short form of a gradient: one number, or a list of a few."""
    flat = np.asarray(values, dtype=float).reshape(-1)
    if flat.size == 1 and np.ndim(values) == 0:
        return number(flat[0])
    if flat.size <= 8:
        return "[" + ", ".join(number(v) for v in flat) + "]"
    return f"({', '.join(map(str, np.shape(values)))}) [{number(flat[0])}, …]"


def caption_html(lines: Sequence[str] | str) -> str:
    """The caption as HTML lines."""
    if isinstance(lines, str):
        lines = [lines]
    return "<br>".join(html.escape(line).replace("  ", "&nbsp;&nbsp;") for line in lines)


def resolve(lang: str | None) -> str:
    """The language to speak: `lang`, else the notebook's."""
    return language.current(lang)
