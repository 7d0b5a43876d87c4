"""The series in a real browser: headless Chromium (Debian's) driven by Playwright.

1. An offline slide deck opened from disk with every non-file request aborted: the slides,
   an equation (MathJax output) and a widget (a slider drawn by the html-manager) render.
2. Every notebook in JupyterLab (one server for all, on 127.0.0.1 with a token, over a copy of
   notebooks/): Run All Cells, then no "Error displaying widget", no traceback, every slider the
   notebook's saved widget state says it shows is on screen, and moving the first slider of each
   widget changes what the widget shows. Screenshots go to build/screenshots/.
3. For every widget of the series, the latency as a student feels it: key press on its first
   slider to changed pixels, median and maximum over 9 presses (alternating right and left),
   printed and written to build/latency.json. A press that changes nothing within 3 s fails the
   test (a dropped update); the goals (median <= 50 ms, maximum <= 150 ms) are measurements, not
   pass/fail claims: only a sanity bound (median < 1000 ms) is asserted. On the gradient-flow
   widget (the costliest update), bursts of presses faster than its update must leave the
   picture at the slider's last value within 3 s.

Without Chromium or Playwright these tests skip (with the reason); .ci/run sets
LSTM_LESSON_REQUIRE_BROWSER=1 and then they fail instead.
"""

import json
import os
import re
import statistics
import time

import pytest
from browser_helpers import (
    BUILD,
    NOTEBOOKS,
    LabServer,
    chromium,
    displayed_widgets,
    notebook_paths,
    offline_decks,
    read_notebook,
    slider_roots,
    widget_state,
)

SCREENSHOTS = BUILD / "screenshots"
# every English lesson, and one Chinese lesson (gate diagrams, the gate explorer, self-checks): the
# same code with the package speaking Chinese, its text drawn by the browser's CJK font
NOTEBOOK_NAMES = [p.name for p in notebook_paths()] + ["zh/02_lstm_gates.ipynb"]
CJK_TEXT = re.compile(r"[\u4e00-\u9fff]")
RUN_TIMEOUT_S = 240  # lessons 3-4 may take 90 s on the kernel alone
LATENCY_PRESSES = 9
LATENCY_WAIT_MS = 3000  # a press whose picture has not changed by then counts as dropped
LATENCY_GOALS_MS = {"median": 50, "max": 150}
TOP_OUTPUTS = ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def lab(browser, tmp_path_factory):
    """One JupyterLab server for every notebook (started only once a browser is known to exist)."""
    server = LabServer(tmp_path_factory.mktemp("lab")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module", autouse=True)
def screenshots_folder():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def has_math(nb) -> bool:
    return any(cell["cell_type"] == "markdown" and "$" in "".join(cell["source"]) for cell in nb["cells"])


# ----- 1. an offline deck --------------------------------------------------------------------
def decks_to_open() -> list[str]:
    """One notebook with equations and widgets; else one with equations and one with widgets."""
    notebooks = {p.stem: read_notebook(p) for p in notebook_paths()}
    math = [n for n, nb in notebooks.items() if has_math(nb)]
    widgets = [n for n, nb in notebooks.items() if slider_roots(nb)]
    both = [n for n in math if n in widgets]
    if both:
        return both[:1]
    return sorted(set(math[:1] + widgets[:1]))


def open_deck_offline(browser, deck):
    from lstm_lesson.tools.handouts import offline_page  # the handouts' own network block

    page, attempted = offline_page(browser)
    page.goto(deck.as_uri())
    return page, attempted


def test_offline_deck_renders_slides_equations_and_widgets(browser, tmp_path_factory):
    out = offline_decks(tmp_path_factory)
    names = decks_to_open()
    assert any(has_math(read_notebook(NOTEBOOKS / f"{n}.ipynb")) for n in names), "no notebook has an equation"
    assert any(slider_roots(read_notebook(NOTEBOOKS / f"{n}.ipynb")) for n in names), "no notebook shows a slider"
    for name in names:
        nb = read_notebook(NOTEBOOKS / f"{name}.ipynb")
        page, attempted = open_deck_offline(browser, out / f"{name}.slides.html")
        try:
            page.wait_for_selector(".reveal.ready", timeout=30_000)
            assert page.locator(".reveal .slides > section").count() >= 1, f"{name}: no slides"
            if has_math(nb):
                page.wait_for_selector(".MathJax_CHTML, .MathJax, mjx-container", state="attached", timeout=30_000)
            if slider_roots(nb):
                expected = sum(slider_roots(nb))
                page.wait_for_function(f"document.querySelectorAll('.widget-slider').length >= {expected}",
                                       timeout=30_000)
                assert page.locator(".widget-slider").count() == expected, f"{name}: sliders in the deck"
                # show the slide that holds the first slider, for the screenshot
                page.evaluate("""() => {
                    const inner = document.querySelector('.widget-slider').closest('section');
                    const outer = inner.parentElement.closest('section') || inner;
                    const h = [...outer.parentElement.children].indexOf(outer);
                    const v = outer === inner ? 0 : [...outer.children].filter(e => e.tagName === 'SECTION')
                        .indexOf(inner);
                    const f = inner.querySelectorAll('.fragment').length - 1;  // show every fragment
                    location.hash = `#/${h}/${v}` + (f >= 0 ? `/${f}` : ''); }""")
                page.locator(".widget-slider").first.wait_for(state="visible", timeout=10_000)
                page.wait_for_timeout(800)  # the slide transition
            assert page.get_by_text("Error displaying widget").count() == 0, f"{name}: a widget failed"
            page.screenshot(path=str(SCREENSHOTS / f"deck_{name}.png"))
            assert attempted == [], f"{name}: the offline deck tried the network: {attempted}"
        finally:
            page.close()


# ----- 2. every notebook in JupyterLab ----------------------------------------------------------
def click_menu(page, menu: str, item: str):
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def wait_idle(page, timeout_ms=60_000):
    page.wait_for_function(
        "() => { const s = document.querySelector('#jp-main-statusbar');"
        " return s && /Idle/.test(s.textContent); }", timeout=timeout_ms)


RUN_STATE = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent);
    const errors = [...document.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
        .map(e => e.textContent).filter(t => /Traceback|Error/.test(t));
    return {prompts, errors};
}"""


def run_all(page, name, idle=None) -> dict:
    """Clear outputs, Run All Cells, wait until every code cell has a number (or an error shows),
    then until the kernel is idle (``idle(page)``; default: JupyterLab's status bar says Idle)."""
    click_menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("() => ![...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]"
                           ".some(p => /\\d/.test(p.textContent))", timeout=10_000)
    click_menu(page, "Run", "Run All Cells")
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        state = page.evaluate(RUN_STATE)
        done = state["prompts"] and all(any(ch.isdigit() for ch in p) for p in state["prompts"])
        if done or state["errors"]:
            break
        page.wait_for_timeout(500)
    else:
        pytest.fail(f"{name}: Run All Cells did not finish in {RUN_TIMEOUT_S} s; prompts {state['prompts']}")
    (idle or wait_idle)(page)
    return state


SLIDERS_PER_OUTPUT = f"""() => [...document.querySelectorAll('{TOP_OUTPUTS}')]
    .map(o => o.querySelectorAll('.widget-slider').length).filter(n => n > 0)"""

# What a widget shows, minus its sliders (whose own readout always changes): the HTML of a copy
# of the output with the sliders removed, plus the pixels of any canvas.
SIGNATURE = """(output) => {
    const copy = output.cloneNode(true);
    copy.querySelectorAll('.widget-slider').forEach(s => s.remove());
    const canvases = [...output.querySelectorAll('canvas')].map(c => { try { return c.toDataURL(); }
                                                                          catch (e) { return ''; } });
    return copy.innerHTML + canvases.join('');
}"""


# The slider's value as shown: its readout (noUiSlider's aria-valuenow is not kept up to date).
SLIDER_VALUE = """(slider) => { const r = slider.querySelector('.widget-readout');
    return r ? r.textContent : slider.querySelector('.noUi-handle').getAttribute('aria-valuenow'); }"""


def slider_outputs(page):
    outputs = page.locator(TOP_OUTPUTS)
    return [outputs.nth(i) for i in range(outputs.count()) if outputs.nth(i).locator(".widget-slider").count()]


def move_first_slider(page, output) -> bool:
    """Press ArrowRight (ArrowLeft if the slider is at its end) on the first slider; True if the
    widget's picture changed."""
    before = output.evaluate(SIGNATURE)
    slider = output.locator(".widget-slider").first
    handle = slider.locator(".noUi-handle").first
    for key in ("ArrowRight", "ArrowLeft"):
        value = slider.evaluate(SLIDER_VALUE)
        handle.focus()
        page.keyboard.press(key)
        page.wait_for_timeout(100)
        if slider.evaluate(SLIDER_VALUE) == value:
            continue  # at the end of its range: try the other way
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if output.evaluate(SIGNATURE) != before:
                return True
            page.wait_for_timeout(100)
        return False
    return False


def open_notebook(browser, lab, name):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(lab.url(name))
    page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
    wait_idle(page)
    return page


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_notebook_runs_and_its_widgets_work_in_jupyterlab(browser, lab, name):
    nb = read_notebook(NOTEBOOKS / name)
    stem = name.removesuffix(".ipynb").replace("/", "_")
    start = time.monotonic()
    page = open_notebook(browser, lab, name)
    try:
        state = run_all(page, name)
        assert not state["errors"], f"{name}: error output after Run All Cells:\n{state['errors'][0][-1500:]}"
        expected = slider_roots(nb)
        if not widget_state(nb) and displayed_widgets(nb):  # widgets but no saved state: at least one
            page.wait_for_selector(f"{TOP_OUTPUTS} .widget-slider", timeout=30_000)
        elif expected:
            page.wait_for_function(f"({SLIDERS_PER_OUTPUT})().reduce((a, b) => a + b, 0) >= {sum(expected)}",
                                   timeout=30_000)
        page.wait_for_timeout(500)
        assert page.get_by_text("Error displaying widget").count() == 0, f"{name}: a widget failed to display"
        shown = page.evaluate(SLIDERS_PER_OUTPUT)
        if widget_state(nb):
            assert shown == expected, f"{name}: sliders per widget on screen {shown}, saved state says {expected}"
        page.screenshot(path=str(SCREENSHOTS / f"lab_{stem}.png"))
        if name.startswith("zh/"):  # the live kernel's self-checks and widgets speak Chinese
            outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
            assert any("正确：" in text for text in outputs), f"{name}: no self-check said 正确： after Run All"
            assert sum(bool(CJK_TEXT.search(text)) for text in outputs) >= 5, f"{name}: few Chinese outputs"
        unchanged = []
        for k, output in enumerate(slider_outputs(page)):
            output.scroll_into_view_if_needed()
            if not move_first_slider(page, output):
                unchanged.append(k)
            output.screenshot(path=str(SCREENSHOTS / f"lab_{stem}_widget{k}.png"))
        assert not unchanged, f"{name}: moving the first slider changed nothing in widget(s) {unchanged}"
        assert page.get_by_text("Error displaying widget").count() == 0
        results = [measure_latency(page, output, name, k) for k, output in enumerate(slider_outputs(page))]
        record_latency(name, results)
        dropped = [f"widget {r['widget']} ({r['slider']}): {r['dropped']} of {r['presses']} presses"
                   for r in results if r["dropped"]]
        assert not dropped, f"{name}: key presses that changed nothing within {LATENCY_WAIT_MS} ms: {dropped}"
        for r in results:
            assert r["median_ms"] < 1000, f"{name}: median key-to-pixels latency {r['median_ms']:.0f} ms"
        if name.startswith(BURST_LESSON):
            check_bursts(page, slider_outputs(page)[0], name)
    finally:
        page.close()
        lab.shutdown_kernels()
    print(f"{name}: {time.monotonic() - start:.1f} s in JupyterLab, sliders per widget {shown}")


# ----- 3. every widget's latency (measured during each notebook's run above) -------------------
# In the page: the key press's time stamp, then the first change of the widget outside its
# sliders, then (after any image decodes) the next animation frame plus a task: the frame with the
# new pixels has been produced. Latency = that moment - key press.
LATENCY_PROBE = """(output) => {
    const probe = window.__latency = {samples: [], pending: null};
    output.addEventListener('keydown', e => { probe.pending = e.timeStamp; }, true);
    new MutationObserver(async (records) => {
        if (probe.pending === null || window.__latency !== probe) return;
        const outside = records.filter(r => !(r.target.closest && r.target.closest('.widget-slider'))
            && !(r.target.parentElement && r.target.parentElement.closest('.widget-slider')));
        if (!outside.length) return;
        const pressed = probe.pending; probe.pending = null;
        await Promise.all([...output.querySelectorAll('img')].map(i => i.decode().catch(() => null)));
        requestAnimationFrame(() => setTimeout(() => probe.samples.push(performance.now() - pressed), 0));
    }).observe(output, {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def measure_latency(page, output, name, k) -> dict:
    """Key-press-to-pixels latency of the first slider of ``output`` over LATENCY_PRESSES presses:
    median and maximum of the presses that changed the picture, and how many changed nothing."""
    output.scroll_into_view_if_needed()
    output.evaluate(LATENCY_PROBE)
    slider = output.locator(".widget-slider").first
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    # one uncounted press to the right, then left, right, ...: the slider stays inside its range,
    # whether it started at its right end (the first press does nothing) or anywhere else
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(LATENCY_WAIT_MS // 3)
    keys = ("ArrowLeft", "ArrowRight")
    page.evaluate("window.__latency.samples = []; window.__latency.pending = null")
    dropped = 0
    for p in range(LATENCY_PRESSES):
        handle.focus()
        page.keyboard.press(keys[p % 2])
        try:
            page.wait_for_function(f"window.__latency.samples.length >= {p + 1 - dropped}",
                                   timeout=LATENCY_WAIT_MS)
        except Exception:  # Playwright's TimeoutError: nothing changed
            dropped += 1
            page.evaluate("window.__latency.pending = null")
        page.wait_for_timeout(250)  # a student's pace; lets the kernel and the page settle
    samples = page.evaluate("window.__latency.samples")
    description = slider.locator(".widget-label").first.text_content()
    result = {"notebook": name, "widget": k, "slider": description, "presses": LATENCY_PRESSES,
              "dropped": dropped, "median_ms": round(statistics.median(samples), 1) if samples else float("inf"),
              "max_ms": round(max(samples), 1) if samples else float("inf"),
              "samples_ms": [round(s, 1) for s in samples], "goal_ms": LATENCY_GOALS_MS}
    print(f"latency {name} widget {k} ({description!r}): median {result['median_ms']:.0f} ms, max "
          f"{result['max_ms']:.0f} ms over {len(samples)} presses, {dropped} changed nothing "
          f"(goals: median <= {LATENCY_GOALS_MS['median']}, max <= {LATENCY_GOALS_MS['max']})")
    return result


# Faster than a student's pace: bursts of presses (held key, or left-right jitter) on the gradient-
# flow widget, whose update is the most expensive of the series. Whatever ipywidgets merges on the
# way, the picture must end at the slider's last value, soon after the last press.
BURST_LESSON = "04_"
BURST_SETTLE_S = 3.0


def check_bursts(page, output, name):
    import re

    output.scroll_into_view_if_needed()
    slider = output.locator(".widget-slider").first
    handle = slider.locator(".noUi-handle").first
    for gap_ms in (80, 0):
        # held right, held left, then jitter ending one step right and one ending one step left:
        # every burst ends on a value other than the one it started from
        for keys in (["ArrowRight"] * 5, ["ArrowLeft"] * 5, ["ArrowRight", "ArrowLeft"] * 3 + ["ArrowRight"],
                     ["ArrowLeft", "ArrowRight"] * 3 + ["ArrowLeft"]):
            handle.focus()
            before = slider.evaluate(SLIDER_VALUE)
            for key in keys:
                page.keyboard.press(key)
                if gap_ms:
                    page.wait_for_timeout(gap_ms)
            value, shown, start = slider.evaluate(SLIDER_VALUE), None, time.monotonic()
            assert value != before, f"{name}: the burst {keys} did not move the slider (at the end of its range?)"
            while time.monotonic() - start < BURST_SETTLE_S:
                found = re.findall(r"RNN, λ1 = ([0-9.]+)", output.inner_html())
                shown = found[-1] if found else None
                if shown is not None and float(shown) == float(value):
                    break
                page.wait_for_timeout(20)
            else:
                pytest.fail(f"{name}: after {len(keys)} presses {gap_ms} ms apart the slider says {value} but the "
                            f"picture still shows {shown} after {BURST_SETTLE_S} s")
            print(f"burst {name} ({len(keys)} presses, {gap_ms} ms apart): picture at the last value "
                  f"{time.monotonic() - start:.2f} s after the last press")


def record_latency(name, results):
    """build/latency.json: every widget's latency, one entry per notebook (merged across runs)."""
    path = BUILD / "latency.json"
    try:
        data = json.loads(path.read_text())
        if not isinstance(data, dict) or "notebooks" not in data:
            data = {}
    except (OSError, ValueError):
        data = {}
    data.setdefault("measured", "keydown to the first animation frame after the widget (outside its sliders) "
                    "changed, in JupyterLab (headless Chromium)")
    data.setdefault("notebooks", {})[name] = results
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")


# ----- 4. optional: classic Notebook 7 (what the README says about it) ---------------------------
def notebook7_available():
    if os.environ.get("LSTM_LESSON_CHECK_NOTEBOOK7") != "1":
        pytest.skip("Notebook 7 check is opt-in: pip install 'notebook>=7' and set LSTM_LESSON_CHECK_NOTEBOOK7=1")
    from importlib.metadata import PackageNotFoundError, version

    try:
        major = int(version("notebook").split(".")[0])
    except (PackageNotFoundError, ValueError):
        major = 0
    if major < 7:
        pytest.fail("LSTM_LESSON_CHECK_NOTEBOOK7=1 but notebook>=7 is not installed", pytrace=False)


def kernels_idle(server, timeout_s=RUN_TIMEOUT_S):
    """Wait until the server has a kernel and every kernel reports idle (Notebook 7 has no status bar)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        kernels = server.api("GET", "/api/kernels") or []
        if kernels and all(k["execution_state"] == "idle" for k in kernels):
            return
        time.sleep(0.5)
    pytest.fail(f"kernel not idle after {timeout_s} s")


def click_first_slider(page, output) -> bool:
    """Click the first slider's track at 80% (20% if that was its value); True if the picture changed."""
    before = output.evaluate(SIGNATURE)
    slider = output.locator(".widget-slider").first
    track = slider.locator(".noUi-target").first
    for fraction in (0.8, 0.2):
        value = slider.evaluate(SLIDER_VALUE)
        track.scroll_into_view_if_needed()
        box = track.bounding_box()
        track.click(position={"x": fraction * box["width"], "y": box["height"] / 2})
        page.wait_for_timeout(300)
        if slider.evaluate(SLIDER_VALUE) == value:
            continue  # the click landed on the current value
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if output.evaluate(SIGNATURE) != before:
                return True
            page.wait_for_timeout(200)
        print(f"slider moved {value} -> {slider.evaluate(SLIDER_VALUE)}, picture unchanged after 20 s")
        return False
    return False


def test_notebook7_runs_the_series_and_its_widgets_follow_the_mouse(browser, tmp_path_factory):
    notebook7_available()
    server = LabServer(tmp_path_factory.mktemp("notebook7"), app="notebook").start()
    problems = []
    try:
        for name in [p.name for p in sorted(server.root.glob("*.ipynb"))]:
            nb = read_notebook(server.root / name)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            try:
                page.goto(server.url(name))
                page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
                kernels_idle(server, 60)
                state = run_all(page, name, idle=lambda page: kernels_idle(server))
                page.wait_for_timeout(1000)
                shown, expected = page.evaluate(SLIDERS_PER_OUTPUT), slider_roots(nb)
                unchanged = [k for k, output in enumerate(slider_outputs(page)) if not click_first_slider(page, output)]
                page.screenshot(path=str(SCREENSHOTS / f"notebook7_{name.removesuffix('.ipynb')}.png"))
                if state["errors"] or page.get_by_text("Error displaying widget").count() or unchanged \
                        or (widget_state(nb) and shown != expected):
                    problems.append(f"{name}: errors {len(state['errors'])}, sliders {shown} (saved {expected}), "
                                    f"unchanged widgets {unchanged}")
                print(f"Notebook 7, {name}: sliders per widget {shown}, all redraw on a mouse click: {not unchanged}")
            finally:
                page.close()
                server.shutdown_kernels()
    finally:
        server.stop()
    assert not problems, "\n".join(problems)
