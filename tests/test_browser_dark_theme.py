"""JupyterLab's dark theme: the widgets and diagrams that a teacher projects stay readable.

Lessons 01, 02, 04 and 05 (the pulse, the gate explorer, the gradient flow, the batch grid: widgets the teacher's
guide says to project) are run in JupyterLab with the "JupyterLab Dark" theme; for every text in
their outputs the WCAG contrast ratio against what is behind it is measured
(tests/js/text_contrast.js). The widgets' own HTML text (labels, readouts) must reach 4.5:1; the
labels inside diagrams, which the diagrams color by sign and grey out near zero on purpose, must
reach 2:1 (nothing dark on dark). Skipped without Chromium, like tests/test_browser.py.
"""

import json
import re
from pathlib import Path

import pytest
from browser_helpers import LabServer, chromium
from test_browser import open_notebook, run_all

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
CONTRAST = (Path(__file__).resolve().parent / "js" / "text_contrast.js").read_text(encoding="utf-8")
LESSONS = ["01_rnn_memory.ipynb", "02_lstm_gates.ipynb", "04_vanishing_gradients.ipynb", "05_batching.ipynb"]
HTML_MINIMUM, SVG_MINIMUM = 4.5, 2.0


@pytest.fixture(scope="module")
def dark_lab(tmp_path_factory):
    with chromium() as browser:
        server = LabServer(tmp_path_factory.mktemp("dark"))
        theme = server.workdir / "user-settings" / "@jupyterlab" / "apputils-extension" / "themes.jupyterlab-settings"
        theme.parent.mkdir(parents=True, exist_ok=True)
        theme.write_text(json.dumps({"theme": "JupyterLab Dark"}), encoding="utf-8")
        server.start()
        try:
            yield browser, server
        finally:
            server.stop()


@pytest.mark.parametrize("name", LESSONS)
def test_outputs_are_readable_in_the_dark_theme(dark_lab, name):
    browser, server = dark_lab
    page = open_notebook(browser, server, name)
    try:
        state = run_all(page, name)
        assert not state["errors"], f"{name}: {state['errors'][:1]}"
        background = page.evaluate("getComputedStyle(document.querySelector('.jp-Notebook')).backgroundColor")
        assert max(int(v) for v in re.findall(r"\d+", background)[:3]) < 64, \
            f"the dark theme is not on: the notebook's background is {background}"
        texts = page.evaluate(CONTRAST)
        assert len(texts) > 10, f"{name}: only {len(texts)} texts found in the outputs"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"dark_{Path(name).stem}.png"))
        low = [t for t in texts if t["ratio"] < (SVG_MINIMUM if t["svg"] else HTML_MINIMUM)]
        assert not low, f"{name}: text hard to read in the dark theme: {low[:5]}"
    finally:
        page.close()
