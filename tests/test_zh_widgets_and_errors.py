"""The Chinese edition's package messages: widgets, the training monitor, plots and API errors.

In Chinese every widget shows Chinese labels with the same numbers as in English; the monitor's
status line and loss curve speak Chinese; a bad API input gets a Chinese error that still names
the argument and the values; a matplotlib figure drawn in Chinese finds a CJK font and draws with
no "Glyph missing" warning, or stays English (with a Chinese hint how to install a font) when no
CJK font exists. In English nothing changed (the other test files and the English notebooks under
nbval check the exact English).
"""

import html
import re
import warnings

import matplotlib
import numpy as np
import pytest
from test_bad_input import CASES  # the bad inputs, reused rather than copied

from lstm_lesson import CharModel, Vocabulary
from lstm_lesson.classroom import fonts
from lstm_lesson.classroom.monitor import TrainingMonitor, loss_curve_svg, status_text
from lstm_lesson.classroom.plots import plot_history
from lstm_lesson.classroom.widgets import batch_grid, cell_viewer, cliff_descent, gate_explorer, gradient_flow, pulse
from lstm_lesson.core import language
from lstm_lesson.core.batching import describe_batches
from lstm_lesson.core.text import display_width
from lstm_lesson.core.training import History, train
from lstm_lesson.experiments.interpret import trace

CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?")


def visible(markup: str) -> str:
    """The text a learner reads in an SVG/HTML string: tags (and their coordinates) removed, entities
    decoded (the 27 of an escaped apostrophe, &#x27;, is not a number the learner sees)."""
    return html.unescape(re.sub(r"<[^>]*>", " ", markup))


def numbers(text: str) -> list:
    return sorted(NUMBER.findall(text))


def history(finished=""):
    return History(max_steps=100, train_loss=[4 - 0.01 * k for k in range(60)], val_steps=[50],
                   val_loss=[3.1], chars=60 * 1600, seconds=2.5, stopped_by=finished)


# ----- every widget, built and updated: Chinese labels, the same numbers --------------------
TEXT = 'The fox (said [nothing]) "Owl sold Frog the moon!"\nThe owl sold the frog the moon.\n' * 2


@pytest.fixture(scope="module")
def traces():
    vocab = Vocabulary.from_text(TEXT)
    return (trace(CharModel(vocab.size, 8, 2, seed=0), vocab, TEXT),
            trace(CharModel(vocab.size, 8, 2, seed=1), vocab, TEXT))


def _descriptions(*controls):
    return " | ".join(c.description for c in controls)


def run_batch_grid(_):
    w = batch_grid.BatchGridWidget("the quick brown fox jumps over the lazy dog", 2, 3)
    shown = [w.view.value]  # the sliders are named by the arguments, batch_size and n_steps, in both languages
    w.n_steps.value = 40  # too long for the text: the picture explains instead of raising
    return shown + [w.view.value]


def run_cell_viewer(tr):
    v = cell_viewer.CellViewer(*tr, chars=40)
    shown = [_descriptions(v.mode, v.layer, v.unit), v.html.value]
    v.unit.value = 3
    shown.append(v.html.value)
    v.mode.value = "a cell"  # the menu's values are the English keys in both languages
    return shown + [v.html.value]


def run_cliff(_):
    c = cliff_descent.CliffDescent()
    shown = [_descriptions(c.lr, c.clip, c.w0, c.b0), c.html.value]
    c.clip.value = 1.0
    c.w0.value = 15.9
    return shown + [c.html.value]


def run_gate_explorer(cell):
    def run(_):
        g = gate_explorer.GateExplorer(cell)
        shown = [_descriptions(g.preset, *g.sliders.values()), g.html.value]
        g.apply_preset(list(gate_explorer.PRESETS[cell])[1])
        shown.append(g.html.value)
        g.sliders["x"].value = 0.5
        return shown + [g.html.value]
    return run


def run_unroll(_):
    from lstm_lesson import LSTMCell

    u = gate_explorer.UnrollExplorer(gate_explorer.gate_traces(LSTMCell(2, 3, seed=0), np.ones((4, 2))), "abcd")
    shown = [u.slider.description, u.html.value]
    u.slider.value = 2
    return shown + [u.html.value]


def run_gradient_flow(_):
    g = gradient_flow.GradientFlowExplorer(length=20, hidden_size=4, sequences=1)
    shown = [g.html.value]
    g.bias.value = 3.0
    return shown + [g.html.value]


def run_pulse(_):
    p = pulse.PulseExplorer()
    shown = [_descriptions(p.scale, p.strength), p.html.value]
    p.scale.value = 1.2
    return shown + [p.html.value]


def run_monitor(_):
    m = TrainingMonitor(every_seconds=0.0)
    shown = [m.bar.description, m.status.value]
    m.update(history("max_steps"))
    return shown + [m.status.value, m.curve.value]


WIDGETS = {"batch grid": run_batch_grid, "cell viewer": run_cell_viewer, "cliff descent": run_cliff,
           "gate explorer lstm": run_gate_explorer("lstm"), "gate explorer peephole": run_gate_explorer("peephole"),
           "gate explorer gru": run_gate_explorer("gru"), "unroll explorer": run_unroll,
           "gradient flow": run_gradient_flow, "pulse": run_pulse, "training monitor": run_monitor}


@pytest.mark.parametrize("name", WIDGETS)
def test_every_widget_speaks_chinese_with_the_same_numbers(name, traces, chinese):
    zh = WIDGETS[name](traces)
    language.set_language("en")
    en = WIDGETS[name](traces)
    language.set_language("zh")
    assert len(zh) == len(en)
    for k, (z, e) in enumerate(zip(zh, en)):
        z, e = visible(z), visible(e)
        assert CJK.search(z), f"{name}, view {k}: no Chinese in {z[:300]!r}"
        assert numbers(z) == numbers(e), f"{name}, view {k}: the numbers differ between the languages"


def test_widget_words_in_english_have_no_chinese(traces):
    """English widgets print no Chinese, except the notes' gate names (glossary terms) and the text's own."""
    for name in ("cliff descent", "gradient flow", "pulse", "training monitor", "unroll explorer"):
        for view in WIDGETS[name](traces):
            assert not CJK.search(visible(view)), f"{name}: Chinese in the English view {visible(view)[:200]!r}"


def test_menus_show_chinese_names_but_keep_the_english_values(traces, chinese):
    g = gate_explorer.GateExplorer("lstm")
    labels = dict(g.preset.options)
    assert labels["全部忘掉"] == "forget everything" and labels["（滑块）"] == "(sliders)"
    g.preset.value = "keep everything"  # a learner picking 全部保留 from the menu
    assert g.sliders["b_f"].value == 6.0 and "遗忘门 f = 1.00" in g.html.value
    v = cell_viewer.CellViewer(*traces, chars=40)
    for label, mode in v.mode.options:
        v.mode.value = mode
        assert CJK.search(label) and CJK.search(visible(v.html.value))


def test_describe_step_keeps_every_number(chinese):
    for cell in gate_explorer.CELL_KINDS:
        values = gate_explorer.preset_values(cell, list(gate_explorer.PRESETS[cell])[0])
        zh = gate_explorer.describe_step(values)
        language.set_language("en")
        en = gate_explorer.describe_step(values)
        language.set_language("zh")
        assert len(zh) == len(en)
        for z, e in zip(zh, en):
            assert CJK.search(z) and z.endswith("。") and numbers(z) == numbers(e)


# ----- the training monitor and the training messages ---------------------------------------
def test_status_line_and_loss_curve_in_chinese(chinese):
    assert status_text(History(max_steps=5)) == "第 0/5 步 · 0.0 秒 · 0 字符/秒"
    line = status_text(history("max_seconds"))
    assert line == "第 60/100 步 · 2.5 秒 · 训练 3.50 · 验证 3.10 奈特/字符 · 38,400 字符/秒 · 已停止：用完了时间预算"
    assert status_text(history("max_steps")).endswith(" · 完成")
    svg = loss_curve_svg(history())
    assert "第 0 步" in svg and "损失（奈特/字符）" in svg
    language.set_language("en")
    assert numbers(visible(loss_curve_svg(history()))) == numbers(visible(svg))
    assert status_text(history("max_seconds")).endswith("stopped: time budget reached")


def test_a_real_training_reports_in_chinese(chinese):
    vocab = Vocabulary.from_text(TEXT)
    ids = vocab.encode(TEXT * 2)
    monitor = TrainingMonitor(every_seconds=0.0)
    h = train(CharModel(vocab.size, 8, seed=0), ids, ids[:80], max_steps=3, batch_size=2, n_steps=8,
              eval_every=2, callback=monitor)
    assert h.stopped_by == "max_steps"
    assert monitor.status.value.startswith("第 3/3 步") and monitor.status.value.endswith("完成")
    assert monitor.bar.description == "训练"


def test_describe_batches_in_chinese(chinese):
    zh = describe_batches(1000, 10, 20), describe_batches(10, 10, 20)
    language.set_language("en")
    en = describe_batches(1000, 10, 20), describe_batches(10, 10, 20)
    for z, e in zip(zh, en):
        assert CJK.search(z) and not CJK.search(e) and numbers(z) == numbers(e)


# ----- API errors ---------------------------------------------------------------------------
# The English prose in test_bad_input's expected words, and what must still appear in Chinese
# (None: the word is translated, nothing of it stays).
ENGLISH_WORDS = {"positive": None, "integer": None, "real number": None, "non-empty": None, "same cell": None,
                 "pair": None, "at least one time step": None, "float32 or float64": ["float32", "float64"],
                 "2 dimensions": ["2"], "3 dimensions": ["3"], "got str": ["str"]}


def _neutral(words):
    out = []
    for w in words:
        out += [w] if w not in ENGLISH_WORDS else (ENGLISH_WORDS[w] or [])
    return out


@pytest.mark.parametrize("call, exc, words", CASES, ids=[f"case{k}" for k in range(len(CASES))])
def test_bad_input_is_named_in_chinese(call, exc, words, chinese):
    with pytest.raises(exc) as info:
        call()
    msg = str(info.value)
    assert CJK.search(msg), f"not Chinese: {msg!r}"
    assert msg.startswith(words[0]), f"the message should open with the argument {words[0]!r}: {msg!r}"
    missing = [w for w in _neutral(words) if w not in msg]
    assert not missing, f"message {msg!r} should mention {missing}"
    assert "expected" not in msg and "got" not in msg, f"English left in {msg!r}"


def test_bad_input_in_english_is_unchanged():
    call, exc, _ = CASES[0]
    with pytest.raises(exc, match=r"^input_size: expected a positive integer, got 0$"):
        call()


def test_widget_errors_in_chinese(chinese):
    for call, arg in [(lambda: gate_explorer.explore_gates("lstm", biases={"q": 1.0}), "biases"),
                      (lambda: gate_explorer.preset_values("gru", "forget everything"), "name"),
                      (lambda: gradient_flow.flow_curves(spectral_scale=-1.0), "spectral_scale"),
                      (lambda: cell_viewer.property_report(None, None, "sentiment"), "prop"),
                      (lambda: pulse.PulsePlot(10).render(np.ones(3)), "trace"),
                      (lambda: batch_grid.batch_grid_svg(42, 2, 3), "text")]:
        with pytest.raises((TypeError, ValueError)) as info:
            call()
        msg = str(info.value)
        assert msg.startswith(arg + "：") and CJK.search(msg), msg


def test_batch_grid_problem_in_chinese_fits_its_picture(chinese):
    svg = batch_grid.batch_grid_svg("hello", 3, 4)
    assert "凑不出一个完整的批次" in svg and "文本只有 5 个" in svg
    width = float(re.search(r'width="([\d.]+)"', svg).group(1))
    message = re.search(r'class="message"[^>]*>([^<]*)<', svg).group(1)
    assert width >= 8.0 * display_width(message) > 8.0 * len(message), "wide characters count twice"


# ----- matplotlib in Chinese: a CJK font, never a missing glyph -----------------------------
@pytest.fixture
def clean_matplotlib(monkeypatch):
    """rcParams restored and figures closed after the test; the install hint not yet shown."""
    import matplotlib.pyplot as plt

    monkeypatch.setattr(fonts, "_hint_shown", False)
    with matplotlib.rc_context():
        yield
    plt.close("all")


def _draw(ax):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph ... missing from font" warning fails here
        ax.figure.canvas.draw()


def _texts(ax):
    return [ax.get_xlabel(), ax.get_ylabel()] + [t.get_text() for t in ax.get_legend().get_texts()]


needs_cjk_font = pytest.mark.skipif(fonts.find_cjk_font() is None,
                                    reason="no CJK font installed (sudo apt install fonts-noto-cjk)")


@needs_cjk_font
def test_plot_history_in_chinese_draws_with_a_cjk_font(chinese, clean_matplotlib, capsys):
    ax = plot_history(history(), label="LSTM 2×64")
    _draw(ax)
    texts = _texts(ax)
    assert texts == ["已读字符数", "损失（奈特/字符）", "LSTM 2×64：训练（滑动平均）", "LSTM 2×64：验证"]
    family = fonts.find_cjk_font()
    assert ax.xaxis.label.get_fontfamily()[0] == family
    assert ax.get_legend().get_texts()[0].get_fontfamily()[0] == family
    assert matplotlib.rcParams["font.sans-serif"][:2] == [family, "DejaVu Sans"]
    assert capsys.readouterr().out == "", "no install hint when a font exists"


@needs_cjk_font
def test_the_finder_reads_the_system_fonts_when_matplotlib_cache_is_stale(monkeypatch, clean_matplotlib):
    """A font installed after matplotlib built its font cache is found on disk (and added)."""
    from matplotlib import font_manager

    family = fonts.find_cjk_font()
    stale = [f for f in font_manager.fontManager.ttflist if f.name not in fonts.CJK_FAMILIES]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    fonts.find_cjk_font.cache_clear()
    try:
        assert fonts.find_cjk_font() == family
    finally:
        fonts.find_cjk_font.cache_clear()


def test_without_a_cjk_font_the_figure_stays_english_and_says_so_once(chinese, clean_matplotlib, monkeypatch,
                                                                      capsys):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    before = list(matplotlib.rcParams["font.sans-serif"])
    ax = plot_history(history(), label="LSTM")
    _draw(ax)
    assert _texts(ax) == ["characters seen", "loss (nats/char)", "LSTM: train (running mean)", "LSTM: validation"]
    assert matplotlib.rcParams["font.sans-serif"] == before
    hint = capsys.readouterr().out
    assert CJK.search(hint) and "fonts-noto-cjk" in hint and "pip install noto-cjk-sans-otc" in hint
    _draw(plot_history(history()))
    assert capsys.readouterr().out == "", "the hint is given once per session"


def test_in_english_plot_history_is_unchanged_and_needs_no_font(clean_matplotlib, monkeypatch, capsys):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: pytest.fail("English must not look for a CJK font"))
    before = list(matplotlib.rcParams["font.sans-serif"])
    ax = plot_history(history(), label="LSTM")
    _draw(ax)
    assert _texts(ax) == ["characters seen", "loss (nats/char)", "LSTM: train (running mean)", "LSTM: validation"]
    assert matplotlib.rcParams["font.sans-serif"] == before and capsys.readouterr().out == ""


def test_the_packaged_font_is_added_when_nothing_else_is_found(monkeypatch, clean_matplotlib):
    """``pip install noto-cjk-sans-otc``: its font file goes to matplotlib's font manager."""
    from matplotlib import font_manager

    added = []
    monkeypatch.setattr(fonts, "_known_family", lambda: "Noto Sans CJK JP" if added else None)
    monkeypatch.setattr(fonts, "_packaged_font_path", lambda: "/somewhere/NotoSansCJK-Regular.ttc")
    monkeypatch.setattr(font_manager.fontManager, "addfont", added.append)
    fonts.find_cjk_font.cache_clear()
    try:
        assert fonts.find_cjk_font() == "Noto Sans CJK JP"
        assert added == ["/somewhere/NotoSansCJK-Regular.ttc"]
    finally:
        fonts.find_cjk_font.cache_clear()


def test_the_draw_check_would_catch_a_missing_glyph(clean_matplotlib):
    """The guard above is real: Chinese drawn in DejaVu Sans alone raises matplotlib's glyph warning."""
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    ax.set_xlabel("门", fontfamily="DejaVu Sans")
    with pytest.raises(UserWarning, match="missing from font"):
        _draw(ax)
