"""Pascanu's cliff: the loss, its BPTT gradient, and gradient descent with and without clipping."""

import numpy as np
import pytest

from lstm_lesson.core.gradcheck import numerical_gradient, relative_error
from lstm_lesson.experiments.cliff import cliff_loss, cliff_loss_and_grad, clip_update, descend, find_wall


def test_loss_by_hand_for_two_steps():
    # x_1 = w s(0.5) + b, x_2 = w s(x_1) + b, E = (s(x_2) - 0.7)^2
    s = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    w, b = 2.0, -1.0
    x2 = w * s(w * s(0.5) + b) + b
    assert cliff_loss(w, b, steps=2) == pytest.approx((s(x2) - 0.7) ** 2, rel=1e-12)


@pytest.mark.parametrize("w, b", [(1.0, 0.0), (6.0, -3.5), (-2.0, 1.0), (10.0, -4.0)])
def test_gradient_matches_finite_differences(w, b):
    p = np.array([w, b])
    f = lambda: float(cliff_loss(p[0], p[1]))  # noqa: E731
    E, dw, db = cliff_loss_and_grad(w, b)
    assert float(E) == pytest.approx(f(), rel=1e-12)
    numeric = numerical_gradient(f, p, eps=1e-6)
    assert relative_error(np.array([dw, db]), numeric).max() < 1e-5


def test_the_wall_is_thin_and_steep():
    wall = find_wall(8.0, -5.0, -3.0)
    E_low, E_high = cliff_loss(8.0, wall - 1e-3), cliff_loss(8.0, wall + 1e-3)
    assert E_low - E_high > 0.3  # the loss drops by 0.4 across the wall
    far = [np.hypot(*cliff_loss_and_grad(8.0, wall + d)[1:]) for d in (-1e-2, 1e-2)]
    near = [np.hypot(*cliff_loss_and_grad(8.0, wall + d)[1:]) for d in (-1e-12, 1e-12)]
    assert max(far) < 0.1 and min(near) > 1e4
    with pytest.raises(ValueError, match="b_low, b_high: expected b values on the two sides"):
        find_wall(8.0, -5.0, -4.9)


def test_clip_update_keeps_direction_and_caps_length():
    dw, db = np.array([3.0, 0.3, 0.0]), np.array([4.0, 0.4, 0.0])
    cw, cb = clip_update(dw, db, 1.0)
    np.testing.assert_allclose(np.hypot(cw, cb), [1.0, 0.5, 0.0])  # 5 -> 1, 0.5 below threshold kept
    np.testing.assert_allclose(cw[0] / cb[0], dw[0] / db[0])


def test_descent_jumps_without_clipping_and_not_with_it():
    w0, b0 = np.meshgrid(np.linspace(0, 16, 41), np.linspace(-12, 2, 29))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        free = descend(w0, b0, lr=0.5, steps=300)
        clipped = descend(w0, b0, lr=0.5, steps=300, clip=1.0)
    assert free.w.shape == (301, 29, 41) and free.loss.shape == (301, 29, 41)
    assert (free.jump > 5).sum() >= 5 and free.jump.max() > 100
    assert clipped.jump.max() <= 0.5 + 1e-12  # lr * threshold
    assert np.all(np.isfinite(free.w)) and np.all(np.isfinite(free.loss))


def test_far_away_parameters_raise_no_floating_point_errors():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        E, dw, db = cliff_loss_and_grad(np.array([1e3, -1e3, 1e6]), np.array([-500.0, 500.0, 0.0]))
    assert np.all(np.isfinite([E, dw, db]))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="clip: expected a positive threshold"):
        descend(1.0, 0.0, clip=0.0)
    with pytest.raises(TypeError, match="steps: expected a positive integer"):
        cliff_loss(1.0, 0.0, steps=2.5)
    with pytest.raises(TypeError, match="lr: expected a real number"):
        descend(1.0, 0.0, lr="big")


@pytest.mark.parametrize("w0, b0, lr, clip", [(6.0, -3.0, 0.5, None), (6.0, -3.0, 0.5, 1.0), (10.0, -5.2, 1.0, None),
                                             (3.0, 1.0, 0.1, 2.0), (8.0, -4.0, 5.0, None), (12.0, -6.0, 0.5, 0.5)])
def test_one_start_in_floats_is_the_array_descent(w0, b0, lr, clip):
    # the widget's fast path (Python floats for a single start) against the vectorised descent:
    # near the wall a last-bit difference would grow into a different path, so equality is the test
    one = descend(np.array(w0), np.array(b0), lr=lr, clip=clip)
    many = descend(np.array([w0, w0]), np.array([b0, b0]), lr=lr, clip=clip)
    for name in ("w", "b", "loss"):
        np.testing.assert_allclose(getattr(one, name), getattr(many, name)[:, 0], rtol=0, atol=1e-12)
        assert getattr(one, name).shape == getattr(many, name)[:, 0].shape
    assert float(one.jump) == pytest.approx(float(many.jump[0]), abs=1e-12)
