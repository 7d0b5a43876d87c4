"""Lesson 6's stored race equals what the package computes; the n-gram baseline and the probe."""

import numpy as np
import pytest

from lstm_lesson import CharModel, Vocabulary
from lstm_lesson.classroom.top_guesses import top_guesses, top_guesses_html
from lstm_lesson.experiments.char_race import (
    LEAD,
    load_char_race,
    quote_probes,
    race_run,
    speech_end_share,
)
from lstm_lesson.experiments.ngram import NGramModel


def test_stored_race_recomputes_exactly_for_a_seeded_prefix():
    """The first 500 steps of the stored RNN seed-1 run, trained again: the same validation losses."""
    stored = next(r for r in load_char_race()["runs"] if r["cell"] == "rnn" and r["seed"] == 1)
    fresh = race_run("rnn", 1, max_steps=500)
    assert fresh["val_steps"] == stored["val_steps"][:2] == [250, 500]
    # float32 training: another BLAS build may move the last digits, not the third decimal
    np.testing.assert_allclose(fresh["val_loss"], stored["val_loss"][:2], rtol=0, atol=1e-3)


def test_stored_race_has_three_seeds_per_cell_and_its_settings():
    race = load_char_race()
    cells = {r["cell"] for r in race["runs"]}
    assert cells == {"rnn", "gru", "lstm"}
    for cell in cells:
        assert sorted(r["seed"] for r in race["runs"] if r["cell"] == cell) == [0, 1, 2]
    assert race["settings"]["max_steps"] == 8000 and set(race["ngram"]) == {"1", "2", "3", "4", "5"}


def test_ngram_counts_by_hand():
    m = NGramModel("abab", 2, k=1.0)
    # after "a": "b" seen twice, "a" never; add-one: (2 + 1) / (2 + 2)
    np.testing.assert_allclose(m.probabilities("xa"), [1 / 4, 3 / 4])
    np.testing.assert_allclose(NGramModel("aab", 1, k=1.0).probabilities(""), [3 / 5, 2 / 5])
    assert m.char_losses("abab").shape == (3,)


def test_ngram_refuses_bad_order():
    with pytest.raises(ValueError, match="order"):
        NGramModel("abc", 0)


def test_probes_differ_only_by_the_names_and_never_end():
    named, plain = quote_probes(10, names="speech"), quote_probes(10)
    assert len(named) == len(plain) == 10
    assert all(s[-1] not in "!?." for s in named)
    assert any(a != b for a, b in zip(named, plain)) and all(len(b) > len(a) for a, b in zip(named, plain) if a != b)
    assert all(" the " in b or b.startswith("The ") for b in plain)
    assert LEAD.endswith("\n\n")


def test_speech_end_share():
    vocab = Vocabulary("!.?a")
    assert speech_end_share(np.array([0.2, 0.2, 0.2, 0.4]), vocab) == pytest.approx(2 / 3)


def test_top_guesses_rank_and_html():
    vocab = Vocabulary.from_text("abc ")
    model = CharModel(vocab.size, 8, 1, seed=0)
    rows = top_guesses(model, vocab, "abc a", k=3)
    assert len(rows) == 4 and all(len(best) == 3 for _, _, best in rows)
    assert all(best[0][1] >= best[1][1] >= best[2][1] for _, _, best in rows)
    html = top_guesses_html(rows, title="t")
    assert html.count("<tr>") == 4 and "␣" in html


def test_witten_bell_by_hand():
    m = NGramModel("abab", 2, smoothing="witten-bell")
    # order 1: a, b twice each of 4 (1 type... 2 types): lam1 = 4 / 6; p1 = 4/6 * [.5, .5] + 2/6 * [.5, .5]
    # order 2 after "a": "b" twice, one type: lam2 = 2 / 3; p = 2/3 * [0, 1] + 1/3 * [.5, .5]
    np.testing.assert_allclose(m.probabilities("a"), [1 / 6, 5 / 6])
    np.testing.assert_allclose(m.probabilities("z"), [0.5, 0.5])  # unseen context: the shorter one
    with pytest.raises(ValueError, match="smoothing"):
        NGramModel("abab", 2, smoothing="kneser")
