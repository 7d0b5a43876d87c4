"""Looking inside: traces from the cells' records, correlation search, coloring, saturation."""

import re

import numpy as np
import pytest

from lstm_lesson import CharModel
from lstm_lesson.core.text import Vocabulary, inside_quotes
from lstm_lesson.experiments.interpret import (
    Trace,
    color_text_html,
    correlations,
    find_tracking_cell,
    saturation,
    saturation_table,
    trace,
)

TEXT = 'The fox said, "Owl gave Crow a key!" The owl ran.\n'


@pytest.fixture(scope="module")
def model_and_vocab():
    vocab = Vocabulary.from_text(TEXT)
    return CharModel(vocab.size, 6, 2, seed=1, dtype=np.float64), vocab


# ------------------------------------------------------------------------ traces
def test_trace_matches_stepping_the_model(model_and_vocab):
    model, vocab = model_and_vocab
    tr = trace(model, vocab, TEXT)
    assert len(tr.layers) == 2 and set(tr.layers[0]) == {"i", "f", "g", "o", "c", "h"}
    state = model.zero_state(1)
    for t, ch in enumerate(TEXT):
        state, records = model.rnn.step(model.one_hot([vocab.ids[ch]]), state)
        for k, rec in enumerate(records):
            for name in "ifgoch":
                np.testing.assert_allclose(tr.values(k, name)[t], getattr(rec, name)[0], rtol=1e-12, atol=1e-14,
                                           err_msg=f"trace row {t}, layer {k}, {name}: not the value after "
                                                   f"reading character {t}")


def test_trace_of_other_cells():
    vocab = Vocabulary.from_text(TEXT)
    gru = trace(CharModel(vocab.size, 4, 1, cell="gru"), vocab, TEXT)
    assert set(gru.layers[0]) == {"r", "z", "n", "h"}
    rnn = trace(CharModel(vocab.size, 4, 1, cell="rnn"), vocab, TEXT)
    assert set(rnn.layers[0]) == {"h"}
    with pytest.raises(ValueError, match="gates: 'i' is not in layer 0"):
        saturation(rnn)


def test_trace_bad_input(model_and_vocab):
    model, vocab = model_and_vocab
    with pytest.raises(ValueError, match="text"):
        trace(model, vocab, "")
    with pytest.raises(ValueError, match="vocab_size"):
        trace(model, Vocabulary("ab"), "ab")
    with pytest.raises(ValueError, match="not in the vocabulary"):
        trace(model, vocab, "xyz")
    tr = trace(model, vocab, TEXT)
    with pytest.raises(ValueError, match="layer"):
        tr.values(2, "c")
    with pytest.raises(ValueError, match="name"):
        tr.values(0, "z")


# ------------------------------------------------------------------------ which cell tracks what
def test_correlations_are_pearson():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(50, 3))
    target = rng.normal(size=50)
    values[:, 2] = 4.0  # a constant unit: correlation 0, no division warning
    r = correlations(values, target)
    for j in range(2):
        assert r[j] == pytest.approx(np.corrcoef(values[:, j], target)[0, 1])
    assert r[2] == 0.0


def _planted_trace(text, unit=3, layer=1, sign=-1.0, noise=0.3):
    """A fake trace with one unit that follows inside_quotes (with noise) among random units."""
    rng = np.random.default_rng(0)
    q = inside_quotes(text)
    layers = []
    for _ in range(2):
        layers.append({"c": rng.normal(size=(len(text), 8)), "h": rng.normal(size=(len(text), 8))})
    layers[layer]["c"][:, unit] = sign * q + noise * rng.normal(size=len(text))
    return Trace(text, layers), q


def test_find_tracking_cell_finds_a_planted_cell():
    text = ('"ab" cd "ef gh" ij ' * 40)
    tr, q = _planted_trace(text)
    found = find_tracking_cell(tr, q)
    assert (found.layer, found.name, found.unit) == (1, "c", 3), "search every layer and every unit"
    assert found.correlation < -0.8, "the sign is kept: this cell goes DOWN inside quotes"
    assert "layer 1, c[3] tracks quotes with correlation -0." in found.describe("quotes")
    h_only = find_tracking_cell(tr, q, names=("h",))
    assert h_only.name == "h" and abs(h_only.correlation) < 0.5
    with pytest.raises(ValueError, match="names"):
        find_tracking_cell(tr, q, names=("nothing",))
    with pytest.raises(ValueError, match="target"):
        find_tracking_cell(tr, q[:-1])



# ------------------------------------------------------------------------ coloring
def test_color_text_html_is_deterministic_and_escaped():
    text = 'a<"b>&\nc'
    values = np.array([-1.0, 0.0, 1.0, 0.5, -0.5, 2.0, 0.0, 0.25])
    html = color_text_html(text, values, title="cell <7>")
    assert html == color_text_html(text, values, title="cell <7>")
    assert "&lt;" in html and "&gt;" in html and "&amp;" in html and "&quot;" in html
    assert "<b>cell &lt;7&gt;</b>" in html
    assert html.count("<span") == len(text)
    assert 'background:rgb(0,0,255)">a' in html, "vmin is full blue"
    assert 'background:rgb(255,255,255)">&lt;' in html, "the middle is white"
    assert 'background:rgb(255,0,0)">&quot;' in html, "vmax is full red"
    assert 'background:rgb(255,0,0)">&amp;' in html, "values beyond vmax are clipped"
    assert ">\n</span>" in html, "line breaks are kept (white-space: pre-wrap)"


def test_color_text_html_scales_to_vmin_vmax():
    html = color_text_html("ab", np.array([0.0, 10.0]), vmin=0.0, vmax=10.0)
    assert 'rgb(0,0,255)">a' in html and 'rgb(255,0,0)">b' in html
    with pytest.raises(ValueError, match="vmax"):
        color_text_html("ab", np.zeros(2), vmin=1.0, vmax=1.0)
    with pytest.raises(ValueError, match="values"):
        color_text_html("ab", np.zeros(3))


# ------------------------------------------------------------------------ saturation
def test_saturation_counts_fractions_per_unit():
    g = np.array([[0.05, 0.5], [0.95, 0.5], [0.5, 0.99], [0.01, 0.5]])
    layer = {name: g for name in "ifo"}
    stats = saturation(Trace("abcd", [layer]))
    assert [(s.layer, s.gate) for s in stats] == [(0, "i"), (0, "f"), (0, "o")]
    np.testing.assert_allclose(stats[0].low, [0.5, 0.0])
    np.testing.assert_allclose(stats[0].high, [0.25, 0.25])
    assert stats[0].fraction_low == 0.25 and stats[0].fraction_high == 0.25
    table = saturation_table(stats)
    assert table.splitlines()[1] == "    0    i     25%     25%        50%"


def test_saturation_of_a_real_model_is_in_range(model_and_vocab):
    model, vocab = model_and_vocab
    stats = saturation(trace(model, vocab, TEXT))
    assert len(stats) == 6
    for s in stats:
        assert 0 <= s.fraction_low <= 1 and 0 <= s.fraction_high <= 1
        assert s.fraction_low + s.fraction_high <= 1


def test_color_text_html_gives_a_run_of_one_color_one_span():
    html = color_text_html('say "hi"\nok', np.array([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0], float))
    assert html.count("<span") == 3, "three runs: before, inside and after the quotes"
    assert re.sub(r"<[^>]+>", "", html.split("line-height:1.35\">", 1)[1]) == 'say &quot;hi&quot;\nok'
