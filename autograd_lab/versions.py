"""The course version a released notebook was made for, against the installed package's.

A release (`python -m tools.release`) records its course version in every notebook twice: in
the notebook's metadata (`metadata.autograd_lab.version`, for tools) and as a line
`%course_version X.Y.Z` right after `%load_ext autograd_lab` in its first cell (for the
kernel, which cannot see which notebook it runs). On a hub, nbgitpuller updates the notebooks
while the package stays what the image holds; that line is where the skew is noticed, in the
learner's language, before any check runs.
"""

from __future__ import annotations

import re

from autograd_lab import __version__
from autograd_lab.language import say

# A release version as pyproject writes it: 0.1.0, 1.2, 2.0.0rc1, 0.3.0.post1 ...
_VERSION = re.compile(r"\d+(\.\d+)*([.-]?[A-Za-z]+\d*)*")


def skew(notebook_version: str) -> str | None:
    """The sentence saying that the notebook and the installed package differ, else None."""
    if not isinstance(notebook_version, str) or not _VERSION.fullmatch(notebook_version.strip()):
        raise ValueError(say("versions.invalid", example=__version__, value=notebook_version))
    notebook_version = notebook_version.strip()
    if notebook_version == __version__:
        return None
    return say("versions.skew", notebook=notebook_version, package=__version__)


def require_version(notebook_version: str) -> None:
    """Say, in one sentence, when the notebook's course version is not the installed one."""
    sentence = skew(notebook_version)
    if sentence is not None:
        print(sentence)


def course_version_magic(line: str) -> None:
    """`%course_version X.Y.Z`: the line a release writes into each notebook's first cell."""
    require_version(line)
