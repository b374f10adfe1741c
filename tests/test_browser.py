"""Run notebooks in a real JupyterLab, driven through Debian's chromium by playwright.

One JupyterLab serves all notebooks. It is started by `tools/lab.py` itself, the script
`make lab` runs, with a temporary working copy and its own settings and workspaces. It serves
every notebook of the course and the images they show. What only a browser adds (opening,
Run All, images shown, menus, no notifications) is checked on a few notebooks that together
cover it (`BROWSER_PATHS`): a Chinese notebook with lecture figures and plots, and the
English student edition (a plot, unanswered exercises); strict nbval runs every notebook's
code anyway. For each of them the test opens it, clears it, runs Run All, waits for the last
cell and an idle kernel, then reads the notebook *model* (JupyterLab does not keep off-screen
cells in the page) and compares it with the stored notebook. Screenshots go to
build/screenshots/: NAME.png (the end, as Run All leaves it), NAME-top.png, NAME-figure.png
(the first figure, once its image has loaded) and ui_zh.png (the Chinese interface with the
File menu open).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from autograd_lab.course import IMAGE_LINK
from tests.browser_helpers import (
    SCREENSHOTS,
    START_TIMEOUT,
    _api,
    chromium,
    lab_env,
    needs_browser,
    open_lab_page,
    running_lab,
)
from tests.helpers import COURSE, NOTEBOOKS, ROOT, STUDENT, all_notebooks, exempt, notebook_ids

RUN_TIMEOUT = 180  # s per notebook; a classroom notebook runs in seconds
TOAST = ".Toastify__toast"  # JupyterLab's notifications (the news prompt is one)


NOTEBOOK_PATHS = all_notebooks()
IDS = notebook_ids(NOTEBOOK_PATHS)


def browser_paths() -> list[Path]:
    """The notebooks Run All is tried on: the first one with lecture figures and plots in the
    source language, and the first student edition in each other language."""
    source, *others = COURSE.languages

    def shows_figures(path: Path) -> bool:
        nb = nbformat.read(path, as_version=4)
        return bool(image_links(path, nb)) and first_figure(nb) is not None

    figured = next(p for p in COURSE.files(source) if shows_figures(p))
    students = [COURSE.files(lang, STUDENT)[0] for lang in others or [source]]
    return [figured, *students]


# Installed into the page once: opens a notebook, runs it, and reads its model. Run All's
# promise settles when the last queued cell has finished (or execution stopped at an error).
HELPERS = """() => {
  const app = window.jupyterapp;
  window.course = {
    widget: null,
    done: false,
    async open(path) {
      const widget = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
      app.shell.activateById(widget.id);
      this.widget = widget;
      this.done = false;
      await widget.context.ready;
    },
    kernelIdle() {
      const kernel = this.widget?.sessionContext.session?.kernel;
      return !!kernel && kernel.status === 'idle';
    },
    async runAll() {
      await app.commands.execute('notebook:clear-all-cell-outputs');
      app.commands.execute('notebook:run-all-cells').finally(() => { this.done = true; });
    },
    // Run All settles at the first error reply, even from a cell tagged raises-exception,
    // while the kernel goes on: finished means every code cell ran, or one stopped the run.
    finished() {
      if (!this.done || !this.kernelIdle()) return false;
      const cells = this.widget.content.model.toJSON().cells.filter(c => c.cell_type === 'code');
      const stopped = cells.some(c => c.outputs.some(o => o.output_type === 'error')
        && !(c.metadata.tags || []).includes('raises-exception'));
      return stopped || cells.every(c => c.execution_count !== null);
    },
    cells() { return this.widget.content.model.toJSON().cells; },
    async scrollTo(index) {
      const notebook = this.widget.content;
      notebook.activeCellIndex = index;
      await notebook.scrollToItem(index, 'start');
    },
    imagesShown(index) {
      const node = this.widget.content.widgets[index].node;
      const images = Array.from(node.querySelectorAll('.jp-OutputArea-output img'));
      return images.length > 0 && images.every(img => img.complete && img.naturalWidth > 0);
    },
    close() {
      const widget = this.widget;
      this.widget = null;
      if (widget) {
        const session = widget.sessionContext.session;
        widget.dispose();
        // Not awaited: the kernel winds down while the next notebook opens; the server
        // shuts down whatever is left when the test stops it.
        if (session) app.serviceManager.sessions.shutdown(session.id).catch(() => {});
      }
    },
  };
}"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="module")
def lab_page(browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab")
    with running_lab(tmp, "en", lab_env()) as lab:
        page = open_lab_page(browser, lab)
        page.evaluate(HELPERS)
        try:
            yield lab, page, tmp / "course"
        finally:
            page.close()


def visible(outputs) -> list[tuple]:
    """Reduce outputs to what nbval compares: streams (merged), text/plain, mime types, errors."""
    seen: list[tuple] = []
    for out in outputs:
        kind = out["output_type"]
        if kind == "stream":
            text = "".join(out["text"])
            if seen and seen[-1][:2] == ("stream", out["name"]):
                seen[-1] = ("stream", out["name"], seen[-1][2] + text)
            else:
                seen.append(("stream", out["name"], text))
        elif kind in ("execute_result", "display_data"):
            data = out["data"]
            seen.append((kind, sorted(data), "".join(data.get("text/plain", ""))))
        elif kind == "error":
            seen.append(("error", out["ename"], out["evalue"]))
    return seen


def screenshot_name(path: Path) -> str:
    return path.relative_to(NOTEBOOKS).with_suffix("").as_posix().replace("/", "_")


def first_figure(nb) -> int | None:
    """Index of the first cell whose stored output is an image, if any."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any("image/png" in o.get("data", {}) for o in cell.outputs):
            return index
    return None


def image_links(path: Path, nb) -> list[str]:
    """Server paths (relative to the working copy) of the images the markdown cells show."""
    links = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for _, link in IMAGE_LINK.findall(cell.source):
                rel = (path.parent.relative_to(ROOT) / link).as_posix()
                links.append(os.path.normpath(rel))
    return links


BROWSER_PATHS = browser_paths()


@needs_browser
@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_jupyterlab_serves_every_notebook_and_its_images(lab_page, path):
    lab, page, course = lab_page
    rel = path.relative_to(ROOT).as_posix()
    assert (course / rel).is_file(), f"{rel} is missing from the working copy"
    model = page.request.get(lab.url(f"api/contents/{rel}"))
    assert model.ok, f"JupyterLab cannot open {rel} ({model.status})"
    body = model.json()
    assert body["type"] == "notebook" and body["content"]["cells"], f"{rel} opens empty"
    for link in image_links(path, nbformat.read(course / rel, as_version=4)):
        response = page.request.get(lab.url(f"files/{link}"))
        assert response.ok, f"JupyterLab cannot serve {link} ({response.status})"


@needs_browser
@pytest.mark.parametrize("path", BROWSER_PATHS, ids=notebook_ids(BROWSER_PATHS))
def test_run_all_in_jupyterlab(lab_page, screenshots, path):
    lab, page, course = lab_page
    rel = path.relative_to(ROOT).as_posix()
    assert (course / rel).is_file(), f"{rel} is missing from the working copy"
    # The copy JupyterLab opens, read before it runs: the stored outputs it started from.
    stored = nbformat.read(course / rel, as_version=4)
    name = screenshot_name(path)
    page.evaluate("path => course.open(path)", rel)
    try:
        page.wait_for_function("() => course.kernelIdle()", timeout=START_TIMEOUT * 1000)
        page.evaluate("() => course.runAll()")
        page.wait_for_function("() => course.finished()", timeout=RUN_TIMEOUT * 1000, polling=250)
        page.screenshot(path=screenshots / f"{name}.png")  # Run All leaves the last cell in view
        page.evaluate("() => course.scrollTo(0)")
        page.wait_for_timeout(500)  # let the scrolled-in cells paint
        page.screenshot(path=screenshots / f"{name}-top.png")
        if (figure := first_figure(stored)) is not None:
            page.evaluate("index => course.scrollTo(index)", figure)
            page.wait_for_function("index => course.imagesShown(index)", arg=figure)
            page.screenshot(path=screenshots / f"{name}-figure.png")
        cells = page.evaluate("() => course.cells()")
        toasts = page.eval_on_selector_all(TOAST, "items => items.map(e => e.textContent)")
    finally:
        page.evaluate("() => course.close()")

    assert toasts == [], f"a notification covers the notebook: {toasts}"
    assert [c["cell_type"] for c in cells] == [c.cell_type for c in stored.cells]
    code = [(c, s) for c, s in zip(cells, stored.cells, strict=True) if s.cell_type == "code"]
    for live, cell in code:
        errors = [o for o in live["outputs"] if o["output_type"] == "error"]
        if errors and "raises-exception" not in cell.metadata.get("tags", []):
            pytest.fail(f"cell {cell.id} raised {errors[0]['ename']}: {errors[0]['evalue']}")
    counts = [live["execution_count"] for live, _ in code]
    assert counts == list(range(1, len(code) + 1)), "Run All did not run every cell in order"
    for live, cell in code:
        if not exempt(cell):
            shown, expected = visible(live["outputs"]), visible(cell.outputs)
            assert shown == expected, f"cell {cell.id}: JupyterLab shows other output than stored"

    for link in image_links(path, stored):
        response = page.request.get(lab.url(f"files/{link}"))
        assert response.ok, f"JupyterLab cannot serve {link} ({response.status})"


@needs_browser
def test_chinese_menus(browser, screenshots, tmp_path):
    """`make lab UI=zh`: Chinese menus, and no news prompt covering the page."""
    with running_lab(tmp_path, "zh", lab_env()) as lab:
        for plugin, key, value in [
            ("@jupyterlab/translation-extension:plugin", "locale", "zh_CN"),
            ("@jupyterlab/apputils-extension:notification", "fetchNews", "false"),
            ("@jupyterlab/apputils-extension:notification", "checkForUpdates", False),
        ]:
            settings = _api(lab, f"lab/api/settings/{plugin}")["settings"]
            assert settings[key] == value, (plugin, key, settings)
        page = open_lab_page(browser, lab)
        try:
            page.wait_for_selector("#jp-MainMenu .lm-MenuBar-itemLabel")
            menus = page.eval_on_selector_all(
                "#jp-MainMenu .lm-MenuBar-itemLabel", "items => items.map(e => e.textContent)"
            )
            assert {"文件", "编辑", "查看", "运行", "内核", "设置", "帮助"} <= set(menus), menus
            assert "File" not in menus, menus
            page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="文件").click()
            page.wait_for_selector(".lm-Menu")
            page.wait_for_timeout(3000)  # the news prompt, if enabled, shows up within this
            page.screenshot(path=screenshots / "ui_zh.png")
            toasts = page.eval_on_selector_all(TOAST, "items => items.map(e => e.textContent)")
            assert toasts == [], f"a notification covers the page: {toasts}"
        finally:
            page.close()


START_WORDS = {"zh": ("00 从这里开始", "核心路线"), "en": ("00 Start here", "The core track")}


@needs_browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_make_lab_opens_the_start_page(browser, screenshots, tmp_path, lang):
    """The URL `make lab` prints opens 00_start_here of the interface's language, map shown."""
    with running_lab(tmp_path, lang, lab_env()) as lab:
        start = f"notebooks/{lang}/00_start_here.ipynb"
        assert lab.start == f"lab/tree/{start}"
        page = open_lab_page(browser, lab, lab.start)
        try:
            page.wait_for_function(
                "path => jupyterapp.shell.currentWidget?.context?.path === path", arg=start
            )
            page.wait_for_selector(".jp-OutputArea-output table")  # the map, as stored
            text = page.inner_text(".jp-NotebookPanel:not(.lm-mod-hidden)")
            title, core = START_WORDS[lang]
            assert title in text and core in text
            page.screenshot(path=screenshots / f"start_here_{lang}.png")
        finally:
            page.close()
