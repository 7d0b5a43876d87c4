"""The diagrams, the glossary, the experiments' texts and the interop errors in Chinese (issue 14).

In Chinese every label, header, sentence and error is Chinese, while everything that is not words
stays exactly as in English: the drawings' geometry and colors, every number, every argument and
key name. In English nothing changed: the static diagrams are byte for byte the committed assets
(drawn before the Chinese existed), and no Chinese appears beyond the notes' own words.
"""

import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from lstm_lesson import GRUCell, LSTMCell, MultiRNNCell, PeepholeLSTMCell
from lstm_lesson.classroom import diagrams as D
from lstm_lesson.classroom.glossary import COLUMNS, TERMS, Term, glossary_table, lookup
from lstm_lesson.classroom.widgets.gate_explorer import explore_gates, preset_values
from lstm_lesson.core import interop as I
from lstm_lesson.core.language import set_language
from lstm_lesson.experiments import adding, cliff, gradient_flow, interpret, ngram, pulse, recall
from lstm_lesson.experiments.framework_fixtures import FIXTURES, compare_fixture, load_fixture
from lstm_lesson.experiments.gate_ablation import DESCRIPTIONS, VariantLSTMCell, ablation_table, load_ablation
from lstm_lesson.experiments.race_record import load_record, record_table
from lstm_lesson.experiments.stored import asset_path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SVG = "{http://www.w3.org/2000/svg}"
CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
# the notes' own words, drawn in English too (vocabulary "both" and "notes")
NOTES_WORDS = re.compile(r"学习门|遗忘门|记忆门|使用门|窥视孔|门限回归单元|"
                         r"本次状态记忆 = 激活函数\(上次状态记忆, 当前事件\)")


def both(make):
    """``make()`` in English and in Chinese; the package is left in English."""
    set_language("en")
    en = make()
    set_language("zh")
    try:
        zh = make()
    finally:
        set_language("en")
    return en, zh


def numbers(text):
    """The numbers in a text, in order."""
    return NUMBER.findall(text)


def same_numbers(en, zh):
    """The same numbers, each as often, however the sentence orders them (Chinese puts them elsewhere)."""
    return sorted(numbers(en)) == sorted(numbers(zh))


# ----- the diagrams ---------------------------------------------------------------------------
def _traces():
    rng = np.random.default_rng(0)
    return {"i": rng.uniform(0, 1, (24, 3)), "f": rng.uniform(0, 1, (24, 3)), "c": rng.standard_normal((24, 3))}


DIAGRAMS = {
    **{f"{kind} {vocabulary}": (lambda f=f, v=vocabulary: f(vocabulary=v))
       for kind, f in D.CELL_DIAGRAMS.items() for vocabulary in D.VOCABULARIES},
    "lstm with values": lambda: D.cell_diagram_svg(preset_values("lstm", "write a new memory")),
    "peephole with values": lambda: D.cell_diagram_svg(explore_gates("peephole", 0.7, -0.3, 0.9, biases=None)),
    "gru with values": lambda: D.cell_diagram_svg(preset_values("gru", "overwrite")),
    "unrolled": lambda: D.unrolled_rnn_svg(4),
    "unrolled standard": lambda: D.unrolled_rnn_svg(4, vocabulary="standard"),
    "unrolled with values": lambda: D.unrolled_rnn_svg(6, values=[1.0, 0.5, 0.3, 0.2, 0.1, 0.05]),
    "lstm bars": lambda: D.gate_bars_svg(preset_values("lstm", "keep everything")),
    "gru bars": lambda: D.gate_bars_svg(preset_values("gru", "overwrite")),
    "heatmap": lambda: D.gate_heatmap_svg(_traces(), "the fox said hello.\n\"No!", t=5),
}


def texts(svg):
    """(element, its text) for every <text> of a parsed SVG (raises if the SVG is not well-formed XML)."""
    root = ET.fromstring(svg)
    return root, [(e, e.text or "") for e in root.iter(f"{SVG}text")]


def estimated_width(text, size):
    """Rough rendered width in px: a CJK (wide) character is 1 em, any other 0.6 em."""
    return sum(size * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6) for ch in text)


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_chinese_diagrams_are_valid_svg_with_chinese_labels_that_fit(name, chinese):
    svg = DIAGRAMS[name]()
    root, labels = texts(svg)
    assert any(CJK.search(t) for _, t in labels), f"{name}: no Chinese label"
    family = root.get("font-family")
    assert "Noto Sans CJK SC" in family and "Microsoft YaHei" in family and "PingFang SC" in family, family
    english_words = re.compile(r"\b(forget|input|candidate|output|reset|update|keep|write|boxes|teal|dashed|"
                               r"width|gates?|mean|unrolled|new cell|new hidden)\b")
    width = float(root.get("width"))
    for element, text in labels:
        assert not english_words.search(text), f"{name}: an English word left in Chinese: {text!r}"
        x, w = float(element.get("x")), estimated_width(text, float(element.get("font-size")))
        left = {"start": x, "middle": x - w / 2, "end": x - w}[element.get("text-anchor")]
        assert left >= 0 and left + w <= width + 1, \
            f"{name}: {text!r} runs off the drawing ({left:.0f}..{left + w:.0f})"


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_only_the_words_change_between_languages(name):
    """The same paths, widths, colors, positions and numbers: strip the words and the fonts, and
    the English and Chinese drawings are the same bytes."""
    en, zh = both(DIAGRAMS[name])

    def skeleton(svg):
        svg = re.sub(r'font-family="[^"]*"', "", svg)
        return re.sub(r"(<text [^>]*>)[^<]*(</text>)", r"\1\2", svg)

    assert skeleton(en) == skeleton(zh)
    en_numbers = [n for _, t in texts(en)[1] for n in numbers(t) if t.startswith(("+", "-")) or t[:1].isdigit()]
    zh_numbers = [n for _, t in texts(zh)[1] for n in numbers(t) if t.startswith(("+", "-")) or t[:1].isdigit()]
    assert en_numbers == zh_numbers


@pytest.mark.parametrize("kind, function", [("lstm_cell", D.lstm_cell_svg), ("gru_cell", D.gru_cell_svg),
                                            ("peephole_cell", D.peephole_cell_svg),
                                            ("unrolled_rnn", D.unrolled_rnn_svg)])
def test_english_static_diagrams_are_the_committed_assets_byte_for_byte(kind, function):
    # assets/ was drawn before the diagrams learned Chinese; test_assets keeps it in step with the code
    assert function() + "\n" == (ASSETS / f"{kind}.svg").read_text(encoding="utf-8")


def test_english_labels_are_still_drawn():
    both_ = D.lstm_cell_svg()
    for word in ("f forget", "i input", "g candidate", "o output", "LSTM cell", "teal: the notes&#x27; four gates"):
        assert word in both_
    assert "r reset" in D.gru_cell_svg() and "z update" in D.gru_cell_svg() and "GRU cell" in D.gru_cell_svg()
    assert "tanh(W·[hₜ₋₁, xₜ] + b): the output is also the memory" in D.unrolled_rnn_svg(4)
    assert "width: size · orange +, purple −" in D.lstm_cell_svg(preset_values("lstm", "keep everything"))
    assert "gate values at this step" in D.gate_bars_svg(preset_values("lstm", "keep everything"))
    heat = D.gate_heatmap_svg(_traces(), "x" * 24, t=1)
    assert 'font-family="DejaVu Sans Mono, monospace"' in heat and "mean " in heat and "gates: white 0" in heat
    for name, make in DIAGRAMS.items():
        svg = make()
        assert f'font-family="{D.FONTS}"' in svg or "DejaVu Sans Mono, monospace" in svg
        leftover = NOTES_WORDS.sub("", "".join(t for _, t in texts(svg)[1]))
        assert not CJK.search(leftover), f"{name}: Chinese in the English drawing beyond the notes' words: {leftover}"


def test_chinese_diagrams_use_the_standard_terms_and_the_notes_words(chinese):
    svg = D.lstm_cell_svg()
    for label in ("f 遗忘门", "i 输入门", "g 候选记忆元", "o 输出门", "学习门", "记忆门", "使用门", "LSTM 单元"):
        assert label in svg
    standard = D.lstm_cell_svg(vocabulary="standard")
    assert "学习门" not in standard and "i 输入门" in standard
    gru = D.gru_cell_svg()
    assert "r 重置门" in gru and "z 更新门" in gru and "n 候选隐状态" in gru and "门限回归单元" in gru
    assert "窥视孔连接" in D.peephole_cell_svg()
    assert D.lstm_cell_svg(title="我的图") != svg and "我的图" in D.lstm_cell_svg(title="我的图")


@pytest.mark.parametrize("call, names", [
    (lambda: D.lstm_cell_svg(vocabulary="chinese"), ["vocabulary", "'chinese'"]),
    (lambda: D.lstm_cell_svg({"f": float("nan")}), ["values['f']", "nan"]),
    (lambda: D.lstm_cell_svg([1, 2]), ["values", "list"]),
    (lambda: D.cell_diagram_svg({"cell": "rnn"}), ["values", "'rnn'"]),
    (lambda: D.unrolled_rnn_svg(3, values=[1.0, 0.5]), ["values", "3", "(2,)"]),
    (lambda: D.gate_bars_svg({}), ["values", "explore_gates"]),
    (lambda: D.gate_heatmap_svg({}, ""), ["traces"]),
    (lambda: D.gate_heatmap_svg({"f": np.zeros((6, 3))}, "hi", t=0), ["chars", "6", "2"]),
    (lambda: D.gate_heatmap_svg({"f": np.zeros((6, 3))}, "hello ", t=6), ["t", "[0, 6)", "6"]),
])
def test_chinese_diagram_errors_name_the_argument(call, names, chinese):
    with pytest.raises((ValueError, TypeError)) as caught:
        call()
    message = str(caught.value)
    assert CJK.search(message), message
    for name in names:
        assert name in message


# ----- the glossary ---------------------------------------------------------------------------
PROSE_COLUMNS = ("notes", "english", "standard", "d2l_zh", "meaning", "quote")


def test_every_term_has_a_chinese_meaning_with_the_same_numbers():
    for term in TERMS:
        assert CJK.search(term.meaning_zh), f"{term.notes}: no Chinese meaning"
        assert same_numbers(term.meaning, term.meaning_zh), term.notes


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_chinese_glossary_has_chinese_headers_and_meanings_and_the_same_rows(fmt, chinese):
    columns = list(COLUMNS)
    table = glossary_table(columns=columns, fmt=fmt)
    if fmt == "markdown":
        header = table.splitlines()[0]
        headers = [h.strip() for h in header.strip("|").split("|")]
    else:
        headers = re.findall(r"<th>(.*?)</th>", table)
    assert len(headers) == len(columns)
    for column, header in zip(columns, headers):
        if column in PROSE_COLUMNS:
            assert CJK.search(header), f"{column}: header {header!r} is not Chinese"
    for term in TERMS:
        assert term.d2l_zh in table.replace("\\", "") or fmt == "html"
    meanings = glossary_table(columns=["notes", "meaning"], fmt=fmt)
    assert all(term.meaning not in meanings for term in TERMS)
    set_language("en")
    english = glossary_table(columns=columns, fmt=fmt)
    assert english.count("<tr>") == table.count("<tr>") and len(english.splitlines()) == len(table.splitlines())


def test_english_glossary_is_unchanged():
    table = glossary_table()
    assert table.splitlines()[0] == "| " + " | ".join(v for k, v in COLUMNS.items() if k != "quote") + " |"
    for term in TERMS:
        assert term.meaning_zh not in table
    # a learner's own Term without a Chinese meaning shows its English one in both languages
    own = Term(notes="x", english="e", standard="s", d2l="", d2l_zh="", colah="", dlai="", pytorch="p",
               attributes=("lstm_lesson.tanh",), meaning="my meaning", quote="x")
    assert both(lambda: "my meaning" in glossary_table(terms=[own])) == (True, True)
    with pytest.raises(ValueError, match=r"columns: expected names from \['notes', 'english'"):
        glossary_table(columns=["meaning_zh"])


@pytest.mark.parametrize("call, name", [
    (lambda: glossary_table(columns=["color"]), "columns"),
    (lambda: glossary_table(fmt="latex"), "fmt"),
    (lambda: glossary_table(terms=["学习门"]), "terms"),
    (lambda: lookup("输入"), "notes_term"),
])
def test_chinese_glossary_errors_name_the_argument(call, name, chinese):
    with pytest.raises((ValueError, TypeError)) as caught:
        call()
    assert CJK.search(str(caught.value)) and str(caught.value).startswith(name)


# ----- the experiments' tables and texts ------------------------------------------------------
def test_ablation_table_in_chinese_has_the_same_numbers():
    ablation = load_ablation(asset_path("gate_ablation.json"))
    en, zh = both(lambda: ablation_table(ablation))
    assert len(en) == len(zh)
    for row_en, row_zh in zip(en, zh):
        assert row_en["description"] == DESCRIPTIONS[row_en["variant"]]
        assert CJK.search(row_zh["description"]), row_zh
        assert same_numbers(row_en["description"], row_zh["description"])
        assert {k: v for k, v in row_en.items() if k != "description"} == \
            {k: v for k, v in row_zh.items() if k != "description"}


def test_record_table_is_numbers_only_and_the_same_in_both_languages():
    record = load_record(asset_path("adding_race.json"))
    en, zh = both(lambda: record_table(record))
    assert en == zh


@pytest.mark.parametrize("scale, strength, steps", [(0.5, 0.1, 50), (1.0, 0.1, 50), (1.5, 0.1, 50),
                                                    (0.95, 0.1, 20), (0.5, 0.0, 50)])
def test_pulse_sentence_in_chinese_has_the_same_numbers(scale, strength, steps):
    trace = pulse.pulse_trace(scale, strength, steps=steps)
    en, zh = both(lambda: pulse.describe_pulse(scale, strength, trace))
    assert not CJK.search(en) and CJK.search(zh)
    assert same_numbers(en, zh)
    assert zh.endswith("。")


def test_cell_finding_and_saturation_table_in_chinese():
    finding = interpret.CellFinding(1, "c", 3, -0.4567)
    for target in (None, "inside quotes"):
        en, zh = both(lambda t=target: finding.describe(t) if t else finding.describe())
        assert CJK.search(zh) and not CJK.search(en)
        assert same_numbers(en, zh) and "c[3]" in zh
    assert both(lambda: finding.describe())[0] == "layer 1, c[3] tracks the target with correlation -0.46"
    stats = [interpret.Saturation(0, "i", np.array([0.1, 0.2]), np.array([0.3, 0.4])),
             interpret.Saturation(1, "f", np.array([0.0, 0.05]), np.array([0.9, 1.0]))]
    en, zh = both(lambda: interpret.saturation_table(stats))
    assert en.splitlines()[0] == "layer gate   < 0.1   > 0.9   in between"
    assert CJK.search(zh.splitlines()[0]) and en.splitlines()[1:] == zh.splitlines()[1:]
    assert same_numbers(en.splitlines()[0], zh.splitlines()[0])

    def columns(line):  # display width: a CJK character takes two columns in a monospace font
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)

    assert columns(zh.splitlines()[0]) == len(en.splitlines()[1])  # the Chinese header ends where the rows end


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_reports_in_chinese_have_the_same_numbers(name):
    en, zh = both(lambda: compare_fixture(name).describe())
    assert CJK.search(zh)
    assert en.splitlines()[0] == zh.splitlines()[0]  # the framework, its version and its layer: names
    assert same_numbers(en, zh)


def test_a_fixture_that_cannot_be_imported_is_explained_in_chinese_and_checked_in_english(chinese):
    # lesson 07's code cell (the same in both editions) asserts on the English error
    result = compare_fixture("keras_gru_reset_after_false")
    assert "reset_after=False applies r before the matmul" in result.error and not CJK.search(result.error)
    assert CJK.search(result.error_zh) and "weights[0][2] (bias)" in result.error_zh
    assert result.error_zh in result.describe() and result.error not in result.describe()
    set_language("en")
    assert result.error in result.describe()


@pytest.mark.parametrize("framework, cell", [(fw, c) for fw in I.LAYOUTS for c in I.LAYOUTS[fw]])
def test_layout_descriptions_in_chinese_keep_names_shapes_and_numbers(framework, cell):
    en, zh = both(lambda: I.describe_layout(framework, cell))
    assert CJK.search(zh) and not CJK.search(en)
    assert len(en.splitlines()) == len(zh.splitlines()) and en.splitlines()[0] == zh.splitlines()[0]
    assert same_numbers(en, zh)
    for name, shape, _ in I.LAYOUTS[framework][cell].tensors:
        assert name in zh and shape in zh
    assert ", ".join(I.LAYOUTS[framework][cell].gates) in zh


# ----- errors a learner can reach, in Chinese, naming the argument or key ---------------------
def _state_dict(key, change):
    """An LSTM's PyTorch state dict with one entry changed."""
    sd = I.to_torch_state_dict(LSTMCell(2, 3))
    sd[key] = change(sd[key])
    return sd


ERRORS = [
    # interop: PyTorch
    (lambda: I.from_torch_state_dict(I.to_torch_state_dict(GRUCell(2, 3)), cell="lstm"),
     ["state_dict['weight_hh_l0']", "(12, 3)", "(9, 3)", "cell='gru'"]),
    (lambda: I.from_torch_state_dict(_state_dict("bias_ih_l0", lambda v: v[:5])), ["state_dict['bias_ih_l0']", "(5,)"]),
    (lambda: I.from_torch_state_dict({"lstm.weight_ih_l0": np.zeros((12, 2))}), ["'lstm.weight_ih_l0'", "prefix="]),
    (lambda: I.from_torch_state_dict({"weight_ih_l0_reverse": np.zeros((12, 2))}), ["bidirectional=True"]),
    (lambda: I.from_torch_state_dict({"weight_ih_l0": np.zeros((12, 2))}), ["state_dict", "weight_hh_l0"]),
    (lambda: I.from_torch_state_dict(_state_dict("bias_ih_l0", lambda v: v.astype(np.float32))),
     ["state_dict", "float32", "float64", "dtype="]),
    (lambda: I.from_torch_state_dict({}, cell="peephole"), ["cell", "'peephole'", "PyTorch", "to_tf1_weights"]),
    (lambda: I.to_torch_state_dict(MultiRNNCell([LSTMCell(2, 3), LSTMCell(3, 4)])),
     ["cell_or_stack.cells[1].hidden_size", "3", "4"]),
    (lambda: I.to_keras_weights(PeepholeLSTMCell(2, 3)), ["cell_or_stack", "PeepholeLSTMCell", "Keras"]),
    # interop: Keras
    (lambda: I.from_keras_weights([np.zeros((2, 12)), np.zeros((3, 9)), np.zeros(12)]),
     ["weights[1] (recurrent_kernel)", "(3, 12)", "(3, 9)", "cell='gru'"]),
    (lambda: I.from_keras_weights([w if j < 2 else w[0] for j, w in enumerate(I.to_keras_weights(GRUCell(2, 3)))],
                                  cell="gru"), ["weights[2] (bias)", "(2, 9)", "(9,)", "reset_after=True"]),
    (lambda: I.from_keras_weights([I.to_keras_weights(LSTMCell(2, 3)), I.to_keras_weights(LSTMCell(4, 3))]),
     ["weights[1][0] (kernel)", "input_size", "(4, 12)"]),
    (lambda: I.from_keras_weights([np.zeros(2)]), ["weights", "[kernel, recurrent_kernel, bias]", "1"]),
    # interop: TensorFlow 1
    (lambda: I.from_tf1_weights({"rnn/basic_lstm_cell/kernel/Adam": 1}),
     ["weights", "'rnn/basic_lstm_cell/kernel/Adam'", "'rnn/'"]),
    (lambda: I.from_tf1_weights({"rnn/lstm_cell/w_i_diag": 1}), ["weights", "cell='peephole'"]),
    (lambda: I.from_tf1_weights({"rnn/basic_lstm_cell/kernel": np.zeros((5, 12))}),
     ["weights", "rnn/basic_lstm_cell/bias"]),
    (lambda: I.from_tf1_weights({"rnn/basic_lstm_cell/kernel": np.zeros((5, 12)),
                                 "rnn/basic_lstm_cell/bias": np.zeros(11)}),
     ["weights['rnn/basic_lstm_cell/bias']", "(12,)", "(11,)"]),
    (lambda: I.to_tf1_weights(GRUCell(2, 3)), ["cell_or_stack", "GRUCell", "TensorFlow 1"]),
    (lambda: I.describe_layout("jax"), ["framework", "'jax'"]),
    # experiments
    (lambda: VariantLSTMCell(2, 3, variant="PH"), ["variant", "'PH'"]),
    (lambda: adding.adding_batch(2, 4, 0), ["length", "6", "4"]),
    (lambda: adding.fraction_correct([1.0, 2.0], [1.0]), ["predictions", "(1,)", "(2,)"]),
    (lambda: adding.train_adding("transformer"), ["cell", "'transformer'"]),
    (lambda: adding.train_adding(optimizer="rmsprop"), ["optimizer", "'rmsprop'"]),
    (lambda: cliff.find_wall(1.0, 0.0, 0.1), ["b_low, b_high", "0.0", "0.1"]),
    (lambda: cliff.descend(1.0, 0.0, clip=-1.0), ["clip", "-1.0"]),
    (lambda: gradient_flow.gradient_flow("lstm", spectral_scale=1.0), ["spectral_scale", "cell='lstm'"]),
    (lambda: gradient_flow.set_spectral_scale(LSTMCell(2, 3), 1.0), ["cell", "RNNCell", "LSTMCell"]),
    (lambda: recall.recall_batch(2, 3, 3, rng=np.random.default_rng(0)), ["seq_len", "delay=3"]),
    (lambda: ngram.NGramModel("abc", 2, k=0), ["k", "0"]),
    (lambda: ngram.NGramModel("abc", 2, smoothing="kneser-ney"), ["smoothing", "'kneser-ney'"]),
    (lambda: pulse.memory_span([1.0]), ["trace", "(1,)"]),
    (lambda: pulse.recurrent_matrix(3, -1.0), ["scale", "-1.0"]),
    (lambda: interpret.find_tracking_cell(1, [1]), ["traced", "Trace", "int"]),
    (lambda: interpret.Trace("ab", [{"h": np.zeros((2, 2))}]).values(0, "c"), ["name", "'c'", "['h']"]),
    (lambda: interpret.color_text_html("a", [1.0], vmin=1.0, vmax=0.0), ["vmax", "vmin=1.0", "0.0"]),
    (lambda: load_fixture("onnx_lstm"), ["name", "'onnx_lstm'"]),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_errors_in_chinese_name_the_argument_or_key(k, chinese):
    call, names = ERRORS[k]
    with pytest.raises((ValueError, TypeError)) as caught:
        call()
    message = str(caught.value)
    assert CJK.search(message), message
    assert "：" in message, message
    for name in names:
        assert name in message, f"{name!r} not in {message!r}"


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_errors_in_english_have_no_chinese(k):
    call, names = ERRORS[k]
    with pytest.raises((ValueError, TypeError)) as caught:
        call()
    message = str(caught.value)
    assert not CJK.search(message), message
    for name in names:
        assert name in message, f"{name!r} not in {message!r}"
