"""The interactive cliff: its pure summary and one slider move, called directly."""

import pytest

from lstm_lesson.classroom.widgets.cliff_descent import CliffDescent, descent_summary, descent_svg
from lstm_lesson.experiments.cliff import find_wall


def test_clipping_caps_every_step_at_lr_times_threshold():
    wall = find_wall(8.0, -5.0, -3.0)
    for clip in (0.5, 1.0):
        s = descent_summary(8.0, wall + 0.01, lr=0.5, clip=clip)
        assert s["longest_step"] <= 0.5 * clip + 1e-12 and "clipped at" in s["text"]
    assert "no clipping" in descent_summary(8.0, wall + 0.01, lr=0.5, clip=0)["text"]


def test_svg_draws_the_path_and_the_surface():
    svg = descent_svg(descent_summary(6.0, -3.0, lr=0.5, clip=1.0, steps=20))
    assert svg.startswith("<svg") and "<polyline" in svg and "data:image/png;base64," in svg


def test_slider_move_redraws():
    widget = CliffDescent(steps=20)
    before = widget.html.value
    widget.clip.value = 1.0
    assert widget.html.value != before and "clipped at 1" in widget.summary["text"]


def test_bad_learning_rate_is_named():
    with pytest.raises(TypeError, match="lr"):
        descent_summary(6.0, -3.0, lr="fast", clip=0)
