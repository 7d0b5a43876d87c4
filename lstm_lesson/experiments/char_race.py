"""Lesson 6's race of cells, measured with seeds, and the quote probe that only memory can answer.

``char_race()`` trains a two-layer RNN, GRU and LSTM of equal size (the parameters of a 2 x 32
LSTM) on the fable corpus, three seeds each, for a step budget at which the validation curves
have settled, and records for each run: the validation loss every ``eval_every`` steps, the loss on
all validation characters and on sentence ends, and the quote probe below. It takes several
minutes, so ``python -m lstm_lesson.experiments.char_race`` stores the result as
``assets/results/char_race.json``; lesson 6 shows it, and a test recomputes the first steps of
one seeded run and checks they equal the stored numbers.

The quote probe. In the fables a sentence inside quotes ends with ``!`` or ``?`` and a narrated
one with ``.``; but speech also calls the animals by name ("Old Fox" for "the old fox"), so the
names inside the sentence give the end away without any memory of the quote. The probe removes
that cue: it writes the SAME narrated sentence (names in narration form) once after an opening
quote and once as narration, and reads p(end is ! or ?) at its end. The two texts differ only
in what came before the sentence, dozens of characters back; an n-gram model of order 5 gives the
two exactly the same answer. Any difference is memory of the quote.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np

from ..core.language import say
from ..core.model import CharModel
from ..core.sizing import char_model_num_params, matching_hidden_size
from ..core.text import Vocabulary, fable_corpus, split_text
from ..core.training import char_losses, train
from .adding_experiments import results_path
from .ngram import NGramModel

SETTINGS = {"cells": ["rnn", "gru", "lstm"], "seeds": [0, 1, 2], "max_steps": 8000, "eval_every": 250,
            "lstm_hidden": 32, "layers": 2, "lr": 1e-2, "batch_size": 32, "n_steps": 50, "max_norm": 5.0,
            "val_chars": 4000, "probes": 60}


def _speech_sentences(n, seed):
    """Sentences of quoted speech from a fable text the models never saw (another seed), ends cut off."""
    text = fable_corpus(40_000, seed=seed).replace("\n", " ")
    sentences = []
    for passage in re.findall(r'"([^"]*)"', text):
        sentences += [s.strip()[:-1] for s in re.findall(r"[^!?]*[!?]", passage)]
    if len(sentences) < n:
        raise ValueError(say(f"n: expected at most {len(sentences)} probe sentences, got {n}",
                             f"n：探针句子最多 {len(sentences)} 个，传入的是 {n}"))

    return sentences[:n]


def _name_words():
    """The words that are capitalised inside speech but not at a sentence's start: the names."""
    text = fable_corpus(40_000, seed=1).replace("\n", " ")
    words = set()
    for passage in re.findall(r'"([^"]*)"', text):
        for s in re.findall(r"[^!?]*[!?]", passage):
            words.update(re.findall(r"(?<=[a-z,] )[A-Z][a-z]+", s.strip()))
    return sorted(words)


def _narration_names(sentence, names):
    """ "Old Wolf sold Badger the moon" -> "The old wolf sold the badger the moon"."""
    run = r"\b(?:(?:{0}) )*(?:{0})\b".format("|".join(names))
    out = re.sub(run, lambda m: "the " + m.group(0).lower(), sentence)
    return out[0].upper() + out[1:]


def quote_probes(n=60, seed=1, *, names="narration"):
    """``n`` sentences of speech without their end character; names="narration" rewrites their names
    as narration writes them ("the old fox"), names="speech" keeps them ("Old Fox")."""
    sentences = _speech_sentences(n, seed)
    if names == "speech":
        return sentences
    words = _name_words()
    return [_narration_names(s, words) for s in sentences]


LEAD = "The fox showed the owl a silver key by the river. The crow gave the hare the moon.\n\n"


def speech_end_share(p, vocab):
    """p(! or ?) / p(! or ? or .): the model's belief that the sentence ending here is speech."""
    speech = sum(p[vocab.encode(c)[0]] for c in "!?")
    return float(speech / (speech + p[vocab.encode(".")[0]]))


def quote_probe(model, vocab, probes):
    """Mean ``speech_end_share`` at the end of each probe, (a) after an opening quote, (b) as narration."""
    inside, outside = [], []
    for sentence in probes:
        for context, store in ((LEAD + 'The hare cried, "' + sentence, inside), (LEAD + sentence, outside)):
            logits, _, _ = model.forward(vocab.encode(context)[None, :])
            z = logits[0, -1].astype(np.float64)
            store.append(speech_end_share(np.exp(z - z.max()), vocab))
    return float(np.mean(inside)), float(np.mean(outside))


def ngram_baselines(train_text, val_text, orders=(1, 2, 3, 4, 5), vocab_chars=None):
    """Loss (nats/char) of n-gram models on all of val_text and on its sentence ends, per order."""
    ends = np.array([c in "!?." for c in val_text[1:]])
    out = {}
    for n in orders:
        losses = NGramModel(train_text, n, vocab=vocab_chars).char_losses(val_text)
        out[n] = {"all": float(losses.mean()), "ends": float(losses[ends].mean())}
    return out


def race_run(cell, seed, **settings):
    """Train one contender of the race; returns its record (JSON-ready, rounded to 4 decimals)."""
    cfg = {**SETTINGS, **settings}
    text = fable_corpus()
    vocab = Vocabulary.from_text(text)
    train_text, val_text = split_text(text)
    train_ids, val_ids = vocab.encode(train_text), vocab.encode(val_text)
    budget = char_model_num_params("lstm", vocab.size, cfg["lstm_hidden"], cfg["layers"])
    H = matching_hidden_size(cell, vocab.size, budget, cfg["layers"])
    model = CharModel(vocab.size, H, cfg["layers"], cell=cell, seed=seed)
    hist = train(model, train_ids, val_ids, max_steps=cfg["max_steps"], max_seconds=1e9, lr=cfg["lr"],
                 batch_size=cfg["batch_size"], n_steps=cfg["n_steps"], max_norm=cfg["max_norm"],
                 eval_every=cfg["eval_every"], seed=seed)
    probe_text = val_text[:cfg["val_chars"]]
    losses = char_losses(model, vocab.encode(probe_text))
    ends = np.array([c in "!?." for c in probe_text[1:]])
    inside, outside = quote_probe(model, vocab, quote_probes(cfg["probes"]))
    named_inside, named_outside = quote_probe(model, vocab, quote_probes(cfg["probes"], names="speech"))
    r4 = lambda v: round(float(v), 4)  # noqa: E731 - stored numbers are compared after rounding
    return {"cell": cell, "seed": seed, "hidden": H, "params": model.num_params(), "steps": hist.steps,
            "val_steps": list(hist.val_steps), "val_loss": [r4(v) for v in hist.val_loss],
            "all_loss": r4(losses.mean()), "end_loss": r4(losses[ends].mean()),
            "probe_inside": r4(inside), "probe_outside": r4(outside),
            "named_inside": r4(named_inside), "named_outside": r4(named_outside)}


def char_race(cells=None, seeds=None, **settings):
    """Every (cell, seed) of ``race_run`` plus the n-gram baselines; a JSON-ready dict."""
    cfg = {**SETTINGS, **settings}
    cells = cfg["cells"] if cells is None else list(cells)
    seeds = cfg["seeds"] if seeds is None else list(seeds)
    text = fable_corpus()
    train_text, val_text = split_text(text)
    probe_text = val_text[:cfg["val_chars"]]
    grams = ngram_baselines(train_text, probe_text, vocab_chars=set(text))
    probes = quote_probes(cfg["probes"])
    gram5 = NGramModel(train_text, 5, vocab=set(text))
    same = all(np.array_equal(gram5.probabilities(LEAD + 'The hare cried, "' + s), gram5.probabilities(LEAD + s))
               for s in probes)
    vocab = Vocabulary.from_text(text)
    gram5_share = float(np.mean([speech_end_share(gram5.probabilities(s), vocab) for s in probes]))
    return {"experiment": "fables, 2-layer char models of equal size, Adam, stateful windows",
            "settings": {**cfg, "cells": cells, "seeds": seeds},
            "uniform_loss": round(math.log(len(set(text))), 4),
            "ngram": {str(n): {k: round(v, 4) for k, v in d.items()} for n, d in grams.items()},
            "ngram5_probe_identical": bool(same), "ngram5_probe": round(gram5_share, 4),
            "runs": [race_run(c, s, **settings) for c in cells for s in seeds]}


def load_char_race():
    """The stored result of ``char_race()`` (assets/results/char_race.json)."""
    return json.loads(results_path("char_race.json").read_text(encoding="utf-8"))


def main():
    path = results_path("char_race.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(char_race(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
