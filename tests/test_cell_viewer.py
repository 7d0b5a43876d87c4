"""The LSTMVis-style viewer: its pure ranking and its callbacks, called directly."""

import numpy as np
import pytest

from lstm_lesson import CharModel, Vocabulary
from lstm_lesson.classroom.widgets.cell_viewer import CellViewer, best_cells, property_report
from lstm_lesson.experiments.interpret import trace

TEXT = 'The fox (said [nothing]) "Owl sold Frog the moon!"\nThe owl sold the frog the moon.\n' * 3


@pytest.fixture(scope="module")
def traces():
    vocab = Vocabulary.from_text(TEXT)
    return (trace(CharModel(vocab.size, 8, 2, seed=0), vocab, TEXT),
            trace(CharModel(vocab.size, 8, 2, seed=1), vocab, TEXT))


def test_best_cells_are_ranked_by_absolute_correlation(traces):
    trained, _ = traces
    target = np.arange(len(TEXT), dtype=float)
    found = best_cells(trained, target, k=4)
    assert len(found) == 4 and [abs(r) for *_, r in found] == sorted((abs(r) for *_, r in found), reverse=True)
    layer, unit, r = found[0]
    c = trained.values(layer, "c")[:, unit]
    assert np.isclose(np.corrcoef(c, target)[0, 1], r)


def test_property_report_names_the_baseline(traces):
    report = property_report(*traces, "bracket depth", k=3)
    assert report.count("<tr>") == 3 and "untrained baseline" in report
    with pytest.raises(ValueError, match="prop: expected one of"):
        property_report(*traces, "sentiment")


def test_viewer_switches_between_a_cell_and_a_property(traces):
    viewer = CellViewer(*traces, chars=40)
    assert "untrained baseline" in viewer.html.value
    viewer.mode.value = "a cell"
    viewer.unit.value = 3
    assert "cell 3: tanh(c)" in viewer.html.value and "untrained" not in viewer.html.value


def test_every_slider_changes_the_picture_in_every_mode(traces):
    """A slider that changes nothing confuses a learner (and fails the browser test)."""
    viewer = CellViewer(*traces, chars=40)
    for mode in viewer.mode.options:
        viewer.mode.value = mode
        for slider in (viewer.layer, viewer.unit):
            before = viewer.html.value
            slider.value = slider.max if slider.value != slider.max else slider.min
            if slider.max > slider.min:
                assert viewer.html.value != before, f"mode {mode!r}: moving {slider.description} changed nothing"
