"""Argument checks that fail early with a message a learner can act on.

Every public function validates its inputs here, so that a wrong shape is reported as
"x: expected shape (batch, 3), got (4, 5)" instead of a broadcasting error deep inside numpy.
"""

from __future__ import annotations

import numbers

import numpy as np

from .language import say

FLOAT_DTYPES = (np.float32, np.float64)


def positive_int(name: str, value) -> int:
    """Return ``value`` as an int, or raise naming ``name`` if it is not a positive integer."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(say(f"{name}: expected a positive integer, got {value!r} ({type(value).__name__})",
                            f"{name}：应为正整数，传入的是 {value!r}（{type(value).__name__}）"))
    if value <= 0:
        raise ValueError(say(f"{name}: expected a positive integer, got {value}",
                             f"{name}：应为正整数，传入的是 {value}"))
    return int(value)


def real_number(name: str, value) -> float:
    """Return ``value`` as a finite float, or raise naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(say(f"{name}: expected a real number, got {value!r} ({type(value).__name__})",
                            f"{name}：应为实数，传入的是 {value!r}（{type(value).__name__}）"))
    if not np.isfinite(value):
        raise ValueError(say(f"{name}: expected a finite number, got {value}",
                             f"{name}：应为有限的数，传入的是 {value}"))
    return float(value)


def seed(name: str, value, *, allow_none: bool = True):
    """Check a random seed: an integer (or None, meaning fresh entropy, where allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        want = "an integer or None" if allow_none else "an integer"
        want_zh = "整数或 None" if allow_none else "整数"
        raise TypeError(say(f"{name}: expected {want}, got {value!r} ({type(value).__name__})",
                            f"{name}：应为{want_zh}，传入的是 {value!r}（{type(value).__name__}）"))
    return int(value)


def float_dtype(name: str, dtype) -> np.dtype:
    """Return ``np.dtype(dtype)`` if it is float32 or float64, else raise naming ``name``."""
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(say(f"{name}: expected float32 or float64, got {dtype!r}",
                            f"{name}：应为 float32 或 float64，传入的是 {dtype!r}")) from err
    if dt.type not in FLOAT_DTYPES:
        raise TypeError(say(f"{name}: expected float32 or float64, got {dt}",
                            f"{name}：应为 float32 或 float64，传入的是 {dt}"))
    return dt


def shape_text(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def array(name: str, value, shape: tuple, *, dtype=None, names: tuple | None = None) -> np.ndarray:
    """Check that ``value`` is a real array of ``shape``; ``None`` in ``shape`` means any size.

    ``names`` gives each axis a name for the message, e.g. ``("batch", "input_size")``.
    With ``dtype`` the array must already have that float dtype (mixing dtypes silently
    promotes float32 to float64, which halves the speed and hides the mistake).
    """
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
    if not isinstance(value, np.ndarray):
        raise TypeError(say(f"{name}: expected a numpy array, got {type(value).__name__}",
                            f"{name}：应为 numpy 数组，传入的是 {type(value).__name__}"))
    labels = names or tuple(str(s) if s is not None else "any" for s in shape)
    want = "(" + ", ".join(
        lab if s is None else (f"{lab}={s}" if names else str(s)) for lab, s in zip(labels, shape)
    ) + ")"
    if value.ndim != len(shape):
        raise ValueError(say(f"{name}: expected {len(shape)} dimensions {want}, got shape {shape_text(value.shape)}",
                             f"{name}：应为 {len(shape)} 维 {want}，传入的形状是 {shape_text(value.shape)}"))
    for want_size, got in zip(shape, value.shape):
        if want_size is not None and want_size != got:
            raise ValueError(say(f"{name}: expected shape {want}, got {shape_text(value.shape)}",
                                 f"{name}：形状应为 {want}，传入的是 {shape_text(value.shape)}"))
    if value.dtype.kind not in "fiub":
        raise TypeError(say(f"{name}: expected a real-valued array, got dtype {value.dtype}",
                            f"{name}：应为实数数组，传入的 dtype 是 {value.dtype}"))
    if dtype is not None and value.dtype != np.dtype(dtype):
        raise TypeError(say(f"{name}: expected dtype {np.dtype(dtype)}, got {value.dtype}",
                            f"{name}：dtype 应为 {np.dtype(dtype)}，传入的是 {value.dtype}"))
    return value


def integer_array(name: str, value, *, ndim: int, high: int | None = None) -> np.ndarray:
    """Check an array of integer ids (e.g. character ids), all in ``[0, high)``."""
    value = np.asarray(value)
    if value.dtype.kind not in "iu":
        raise TypeError(say(f"{name}: expected an integer array, got dtype {value.dtype}",
                            f"{name}：应为整数数组，传入的 dtype 是 {value.dtype}"))
    if value.ndim != ndim:
        raise ValueError(say(f"{name}: expected {ndim} dimensions, got shape {shape_text(value.shape)}",
                             f"{name}：应为 {ndim} 维，传入的形状是 {shape_text(value.shape)}"))
    if high is not None and value.size and (value.min() < 0 or value.max() >= high):
        raise ValueError(say(f"{name}: expected ids in [0, {high}), got values from {value.min()} to {value.max()}",
                             f"{name}：id 应在 [0, {high}) 内，传入的值从 {value.min()} 到 {value.max()}"))
    return value
