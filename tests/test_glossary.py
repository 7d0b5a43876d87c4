"""The glossary names real things: every attribute exists, every formula it states holds.

CI runs on a fresh clone without the course notes, so the notes' lines are embedded in the
glossary itself (``Term.quote``); they were checked verbatim against the notes when written.
"""

import re

import numpy as np
import pytest

import lstm_lesson
from lstm_lesson import GRUCell, LSTMCell, PeepholeLSTMCell
from lstm_lesson.classroom.glossary import COLUMNS, TERMS, Term, glossary_table, lookup

# The terms the series promises (issue 2 and the lessons' words).
REQUIRED = ["学习门", "遗忘门", "记忆门", "使用门", "长期记忆", "短期记忆", "遗忘因子", "门限回归单元",
            "窥视孔连接", "梯度消失", "梯度爆炸", "CEC", "单元状态", "隐层状态", "BasicLSTMCell",
            "dynamic_rnn", "MultiRNNCell", "batch_size", "batch_step"]


def _objects():
    """One live instance of every class a glossary attribute may name."""
    x = np.array([[0.5, -1.0]])
    lstm = LSTMCell(2, 3, seed=1, forget_bias=1.0)
    state, _ = lstm.step(x, lstm.zero_state(1))  # a non-zero previous state
    _, lstm_step = lstm.step(x, state)
    gru = GRUCell(2, 3, seed=1)
    _, gru_step = gru.step(x)
    peep = PeepholeLSTMCell(2, 3, seed=1)
    _, peep_step = peep.step(x, state)
    return {"LSTMCell": lstm, "LSTMRecord": lstm_step, "LSTMState": state, "GRUCell": gru,
            "GRURecord": gru_step, "PeepholeLSTMCell": peep, "PeepholeLSTMRecord": peep_step,
            "lstm_lesson": lstm_lesson}


def resolve(path, objects):
    """'LSTMRecord.learn_gate', 'lstm_lesson.dynamic_rnn' or 'PeepholeLSTMCell.params["p_i"]'."""
    m = re.fullmatch(r'(\w+)\.(\w+)(?:\["(\w+)"\])?', path)
    assert m, f"attribute {path!r}: expected 'Owner.name' or 'Owner.name[\"key\"]'"
    owner, name, key = m.groups()
    assert owner in objects, f"attribute {path!r}: unknown owner {owner!r}"
    assert hasattr(objects[owner], name), f"attribute {path!r}: {owner} has no {name!r}"
    value = getattr(objects[owner], name)
    if key is not None:
        assert key in value, f"attribute {path!r}: {owner}.{name} has no key {key!r}"
        value = value[key]
    return value


@pytest.mark.parametrize("term", TERMS, ids=[t.notes for t in TERMS])
def test_every_attribute_named_exists(term):
    objects = _objects()
    assert term.attributes, f"{term.notes}: names no attribute of the package"
    for path in term.attributes:
        resolve(path, objects)


@pytest.mark.parametrize("term", TERMS, ids=[t.notes for t in TERMS])
def test_every_term_is_quoted_from_the_notes(term):
    assert term.notes and term.notes in term.quote, \
        f"{term.notes}: the quoted line of the notes does not contain the term: {term.quote!r}"
    for field in ("english", "standard", "meaning"):
        assert getattr(term, field), f"{term.notes}: empty {field}"


def test_required_terms_are_covered():
    have = {t.notes for t in TERMS}
    missing = [t for t in REQUIRED if t not in have]
    assert not missing, f"glossary lacks {missing}"
    assert len(have) == len(TERMS), "a notes term appears twice"


def test_the_scheme_mappings_the_lessons_rely_on():
    assert "input node" in lookup("Nt").d2l, "d2l calls the candidate the input node"
    assert "Γu" in lookup("输入门").dlai, "deeplearning.ai's update gate Γu is the LSTM input gate"
    assert [lookup(n).pytorch for n in ("输入门", "遗忘因子", "Nt", "输出门")] == ["i", "f", "g", "o"]
    assert lookup("门限回归单元").pytorch.endswith("r, z, n")
    assert "门控循环单元" in lookup("门限回归单元").standard, "the standard Chinese name for the GRU"
    assert "GRU" in lookup("更新门").d2l_zh, "d2l-zh's 更新门 is the GRU's z, not the notes' cell update"
    assert "(1 − z_t) ∗ h_{t−1}" in lookup("门限回归单元").colah, "colah puts z on the new state"
    assert "o_t" in lookup("遗忘因子").meaning and "i_t" in lookup("遗忘因子").meaning
    assert "1997" in lookup("CEC").meaning and "2000" in lookup("CEC").meaning


def test_the_notes_four_gates_are_what_the_glossary_says():
    """learn = i*g, forget = f*c_prev, remember = forget + learn = c, use = o*tanh(c) = h."""
    s = _objects()["LSTMRecord"]
    np.testing.assert_allclose(s.learn_gate, s.i * s.g, err_msg="learn gate (学习门) is not i*g")
    np.testing.assert_allclose(s.forget_gate, s.f * s.c_prev, err_msg="forget gate (遗忘门) is not f*c_prev")
    np.testing.assert_allclose(s.remember_gate, s.forget_gate + s.learn_gate,
                               err_msg="remember gate (记忆门) is not forget + learn")
    np.testing.assert_allclose(s.use_gate, s.o * np.tanh(s.c), err_msg="use gate (使用门) is not o*tanh(c)")


def test_markdown_table_has_one_row_per_term_and_equal_columns():
    text = glossary_table()
    lines = text.splitlines()
    assert len(lines) == 2 + len(TERMS)
    # count unescaped pipes: every row must have the header's number of columns
    counts = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
    assert counts == {len(COLUMNS)}, "a cell breaks the table (unescaped | or line break)"
    assert "学习门" in text and "LSTMRecord.learn\\_gate" in text


def test_html_table_escapes_and_selects_columns():
    text = glossary_table(columns=["notes", "pytorch"], fmt="html")
    assert text.count("<tr>") == 1 + len(TERMS)
    assert "<th>PyTorch</th>" in text and "meaning" not in text
    one = Term(notes="x", english="e", standard="s", d2l="", d2l_zh="", colah="", dlai="", pytorch="a<b",
               attributes=("lstm_lesson.tanh",), meaning="m", quote="x")
    assert "a&lt;b" in glossary_table(fmt="html", terms=[one])


@pytest.mark.parametrize("kwargs, error, words", [
    ({"columns": ["color"]}, ValueError, "columns"),
    ({"fmt": "latex"}, ValueError, "fmt"),
    ({"terms": ["学习门"]}, TypeError, "terms"),
])
def test_bad_table_arguments_name_the_argument(kwargs, error, words):
    with pytest.raises(error, match=words):
        glossary_table(**kwargs)


def test_lookup_names_the_argument():
    with pytest.raises(ValueError, match="notes_term"):
        lookup("输入")
