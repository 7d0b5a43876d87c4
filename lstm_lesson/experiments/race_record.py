"""Lesson 3's race on the adding problem, recorded: every (cell, gate bias, seed) run as a small
JSON-ready dict, so the lesson can show the whole race without spending a class minute per cell.

    from lstm_lesson.experiments.race_record import record_race, save_record
    save_record(record_race(), "assets/adding_race.json")   # from the repository root

``record_race`` calls ``adding.race`` (the same training the lesson runs live for one seed) and
keeps for each run: cell, gate_bias, seed, solved, steps and test_correct (rounded to 4 digits),
plus the settings, the seeds and the always-0.5 baseline on every seed's test sequences.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .adding import race
from .gate_ablation import always_half_baseline

RACE_SETTINGS = dict(length=30, hidden_size=16, max_steps=600, lr=0.01, clip=1.0)
CELLS = ("lstm", "peephole", "gru")
BIASES = (3.0, 0.0)


def run_record(run) -> dict:
    """One ``AddingRun`` as the JSON-ready dict the record keeps."""
    return {"cell": run.cell, "gate_bias": float(run.gate_bias), "seed": int(run.seed), "solved": bool(run.solved),
            "steps": int(run.steps), "test_correct": round(float(run.test_correct), 4)}


def record_race(cells=CELLS, biases=BIASES, seeds=(0, 1, 2), **settings) -> dict:
    """Run the race (every cell, bias and seed) and return it as a JSON-ready dict."""
    settings = {**RACE_SETTINGS, **settings}
    runs = [run_record(r) for r in race(list(cells), list(biases), list(seeds), **settings)]
    baselines = {str(s): round(always_half_baseline(settings["length"], seed=s), 4) for s in seeds}
    return {"task": "adding problem (Hochreiter & Schmidhuber 1997), right if |error| < 0.04; a run is solved "
                    "when 95% of 256 check sequences are right",
            "settings": settings, "seeds": list(seeds), "cells": list(cells), "biases": list(biases),
            "always_half_baseline": baselines, "runs": runs}


def save_record(record: dict, path) -> Path:
    """Write a record (from ``record_race``) as JSON; returns the path."""
    path = Path(path)
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path


def load_record(path) -> dict:
    """Read a stored race record."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def record_table(record: dict) -> list[dict]:
    """One row per (cell, gate_bias): solved of runs, min/median/max steps of the solved runs
    (None if none solved), and the min/mean/max share of test sequences right."""
    rows = []
    for bias in record["biases"]:
        for cell in record["cells"]:
            runs = [r for r in record["runs"] if r["cell"] == cell and r["gate_bias"] == bias]
            steps = [r["steps"] for r in runs if r["solved"]]
            right = [r["test_correct"] for r in runs]
            rows.append({"cell": cell, "gate_bias": bias, "solved": sum(r["solved"] for r in runs), "runs": len(runs),
                         "steps": (min(steps), int(np.median(steps)), max(steps)) if steps else None,
                         "right": (min(right), float(np.mean(right)), max(right))})
    return rows
