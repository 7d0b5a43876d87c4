"""Lesson 3's stored race is what the package computes: a seeded subset recomputed exactly."""

from pathlib import Path

from lstm_lesson.experiments.gate_ablation import always_half_baseline
from lstm_lesson.experiments.race_record import load_record, record_race, record_table

STORED = Path(__file__).resolve().parents[1] / "assets" / "adding_race.json"


def test_stored_race_has_its_settings_seeds_and_baseline():
    record = load_record(STORED)
    assert len(record["seeds"]) >= 3
    assert len(record["runs"]) == len(record["seeds"]) * len(record["cells"]) * len(record["biases"])
    assert {"length", "hidden_size", "max_steps", "lr", "clip"} <= set(record["settings"])
    for seed in record["seeds"]:
        assert record["always_half_baseline"][str(seed)] == round(always_half_baseline(record["settings"]["length"],
                                                                                       seed=seed), 4)
    rows = record_table(record)
    assert len(rows) == len(record["cells"]) * len(record["biases"])


def test_a_seeded_subset_of_the_race_recomputes_exactly():
    record = load_record(STORED)
    subset = record_race(cells=("gru",), biases=(3.0,), seeds=(record["seeds"][0],), **record["settings"])
    for run in subset["runs"]:
        same = [r for r in record["runs"]
                if (r["cell"], r["gate_bias"], r["seed"]) == (run["cell"], run["gate_bias"], run["seed"])]
        assert same == [run]
