"""Find a CJK font for Chinese labels, and a matplotlib style that uses it.

Nothing here changes matplotlib at import time: callers apply `course_rc()` through
`matplotlib.rc_context`, or call `use_course_style()` once in a notebook.
"""

from __future__ import annotations

import functools
import sys
import warnings

# In order of preference; the first one installed wins.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Noto Sans CJK JP",
)
# Matplotlib warns once per missing glyph; without a CJK font the labels degrade to boxes,
# and the warning would land on stderr of every notebook cell that draws Chinese text.
GLYPH_WARNING = r"Glyph \d+ .*missing from (current )?font"


@functools.cache
def cjk_family() -> str | None:
    """Return the name of an installed CJK font family, or None if there is none."""
    from matplotlib import font_manager  # imported on use: `import autograd_lab` stays light

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in installed), None)


# Inline figures at twice the pixels ("retina": drawn at 2x dpi, shown at the figure's own size),
# sharp on high-density screens and in the printed handout. The strongest zlib level and no
# "Software" stamp keep the stored PNG small and free of the matplotlib version.
INLINE_PNG = {"pil_kwargs": {"optimize": True}, "metadata": {"Software": None}}


def course_rc() -> dict:
    """Return the rcParams of the course's figures: CJK font if available, PNG-friendly."""
    family = cjk_family()
    sans = ([family] if family else []) + ["DejaVu Sans"]
    return {
        "font.family": "sans-serif",
        "font.sans-serif": sans,
        "mathtext.fontset": "dejavusans",
        "axes.unicode_minus": False,  # CJK fonts often lack U+2212 MINUS SIGN
        "svg.hashsalt": "autograd-lab",  # deterministic ids if anyone saves SVG
    }


def family() -> list[str]:
    """The course's font list, to give every text explicitly: a list stored in the artist still
    holds when the figure is drawn later, outside any rc_context."""
    return course_rc()["font.sans-serif"]


def silence_missing_glyphs() -> None:
    """Ignore matplotlib's missing-glyph warnings (labels fall back to boxes silently)."""
    warnings.filterwarnings("ignore", message=GLYPH_WARNING, category=UserWarning)


def use_course_style() -> str | None:
    """Apply the course style to this session (notebook set-up); return the CJK family used."""
    import matplotlib as mpl

    mpl.rcParams.update(course_rc())
    silence_missing_glyphs()
    # Inline figures as PNG: nbval compares SVG output as text, PNG not at all. Only inside a
    # running IPython: set_matplotlib_formats would otherwise create a shell, and with it an
    # IPython history database in the home folder.
    ipython = sys.modules.get("IPython")
    if ipython is not None and ipython.get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina", **INLINE_PNG)
    return cjk_family()
