"""Shared by tests/test_slides.py and tests/test_browser.py: required-or-skip, the offline deck
build (once per session), headless Chromium through Playwright, a JupyterLab server, and what a
notebook's saved widget state says should be on screen.

`.ci/run` sets LSTM_LESSON_REQUIRE_BROWSER=1: there a missing npm, Chromium or Playwright FAILS
the tests; anywhere else they are skipped with the reason.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
REQUIRED = os.environ.get("LSTM_LESSON_REQUIRE_BROWSER") == "1"

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def unavailable(reason: str):
    """Fail when the browser tests are required (CI), skip with the reason elsewhere."""
    if REQUIRED:
        pytest.fail(f"{reason} (required: LSTM_LESSON_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(f"{reason}; set LSTM_LESSON_REQUIRE_BROWSER=1 to make this a failure")


def notebook_paths() -> list[Path]:
    """The series' notebooks, as the slides command sees them."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def read_notebook(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


# ----- offline decks, built once per test session ------------------------------------------
_DECKS: dict[str, Path] = {}


def offline_decks(tmp_path_factory) -> Path:
    """Build the offline decks of every notebook into a temporary folder (once); returns it.

    The npm tarballs are cached in build/npm-cache, so only the first run ever needs npm.
    """
    if "out" not in _DECKS:
        from lstm_lesson.tools import slides

        out = tmp_path_factory.mktemp("slides")
        try:
            slides.build_all(NOTEBOOKS, out, cache_dir=BUILD / "npm-cache", log=lambda line: None)
        except slides.VendorError as err:
            unavailable(f"cannot vendor the deck libraries: {err}")
        _DECKS["out"] = out
    return _DECKS["out"]


# ----- Chromium through Playwright ----------------------------------------------------------
def chromium_path() -> str:
    path = os.environ.get("LSTM_LESSON_CHROMIUM") or next(
        (p for name in ("chromium", "chromium-browser") if (p := shutil.which(name))), None)
    if path is None:
        unavailable("Chromium is not installed (Debian/Ubuntu: apt-get install chromium)")
    return path


@contextmanager
def chromium():
    """A headless Chromium (Debian's, not Playwright's download) as a Playwright Browser."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# ----- JupyterLab ----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Settings for a test server: every cell stays in the DOM (no virtual scrolling), nothing is
# autosaved, no news or update pop-ups over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
}


class LabServer:
    """A JupyterLab server on 127.0.0.1 with a random token, over a copy of the notebooks.

    The copy keeps the repository's notebooks untouched whatever the browser does to them.
    ``app="notebook"`` starts classic Notebook 7 instead (same server, other front end).
    """

    def __init__(self, workdir: Path, app: str = "jupyterlab"):
        if app not in ("jupyterlab", "notebook"):
            raise ValueError(f"app: expected 'jupyterlab' or 'notebook', got {app!r}")
        self.app = app
        self.workdir = Path(workdir)
        self.root = self.workdir / "notebooks"
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log_path = self.workdir / "jupyterlab.log"

    def start(self, timeout: float = 60):
        shutil.copytree(NOTEBOOKS, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        if (ROOT / "assets").is_dir():  # notebooks may show ../assets/*.svg
            shutil.copytree(ROOT / "assets", self.workdir / "assets")
        settings = self.workdir / "user-settings"
        for name, value in LAB_SETTINGS.items():
            (settings / name).parent.mkdir(parents=True, exist_ok=True)
            (settings / name).write_text(json.dumps(value))
        env = os.environ | {"JUPYTER_CONFIG_DIR": str(self.workdir / "config"),
                            "JUPYTERLAB_WORKSPACES_DIR": str(self.workdir / "workspaces"),
                            "JUPYTER_RUNTIME_DIR": str(self.workdir / "runtime")}
        env.pop("MPLBACKEND", None)
        command = [sys.executable, "-m", self.app, "--no-browser", "--allow-root", "--ip=127.0.0.1",
                   f"--port={self.port}", "--port-retries=0", f"--ServerApp.token={self.token}",
                   f"--ServerApp.root_dir={self.root}"]
        if self.app == "jupyterlab":
            command += ["--LabApp.news_url=None", f"--LabApp.user_settings_dir={settings}",
                        f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}"]
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.workdir, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.app} exited with {self.process.returncode}: {self.log_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.app} did not answer /api/status in {timeout} s: {self.log_text()[-2000:]}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def api(self, method: str, path: str):
        request = urllib.request.Request(f"{self.base}{path}?token={self.token}", method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def url(self, notebook_name: str) -> str:
        if self.app == "notebook":
            return f"{self.base}/notebooks/{notebook_name}?token={self.token}"
        return f"{self.base}/lab/tree/{notebook_name}?token={self.token}&reset"

    def shutdown_kernels(self):
        for kernel in self.api("GET", "/api/kernels") or []:
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def stop(self):
        """Shut the kernels down, then stop the server by its own PID."""
        if self.process is None:
            return
        try:
            if self.process.poll() is None:
                self.shutdown_kernels()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.log.close()
        self.process = None


# ----- what the saved widget state says is on screen ------------------------------------------
SLIDER_VIEWS = {"IntSliderView", "FloatSliderView", "FloatLogSliderView", "IntRangeSliderView",
                "FloatRangeSliderView", "SelectionSliderView", "SelectionRangeSliderView"}


def widget_state(nb: dict) -> dict:
    return nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def displayed_widgets(nb: dict) -> list[str]:
    """Model ids of the widgets the notebook's outputs display, in cell order (the roots)."""
    return [output["data"][WIDGET_VIEW]["model_id"]
            for cell in nb.get("cells", []) if cell.get("cell_type") == "code"
            for output in cell.get("outputs", []) if WIDGET_VIEW in output.get("data", {})]


def _references(value):
    """Model ids a widget's state points to (children, layout, Output widget contents, ...)."""
    if isinstance(value, str) and value.startswith("IPY_MODEL_"):
        yield value[len("IPY_MODEL_"):]
    elif isinstance(value, dict):
        if WIDGET_VIEW in value and isinstance(value[WIDGET_VIEW], dict):
            yield value[WIDGET_VIEW].get("model_id", "")
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def sliders_under(state: dict, root: str) -> int:
    """How many slider views a displayed widget draws (itself and everything inside it)."""
    seen, stack, count = set(), [root], 0
    while stack:
        model_id = stack.pop()
        if model_id in seen or model_id not in state:
            continue
        seen.add(model_id)
        model = state[model_id].get("state", {})
        count += model.get("_view_name") in SLIDER_VIEWS
        stack.extend(_references(model))
    return count


def slider_roots(nb: dict) -> list[int]:
    """For each displayed widget that contains a slider, its number of sliders (in cell order)."""
    state = widget_state(nb)
    counts = [sliders_under(state, root) for root in displayed_widgets(nb)]
    return [n for n in counts if n]
