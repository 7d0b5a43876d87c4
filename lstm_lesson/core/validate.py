"""Argument checks that fail early with a message a learner can act on.

Every public function validates its inputs here, so that a wrong shape is reported as
"x: expected shape (batch, 3), got (4, 5)" instead of a broadcasting error deep inside numpy.
"""

from __future__ import annotations

import numbers

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def positive_int(name: str, value) -> int:
    """Return ``value`` as an int, or raise naming ``name`` if it is not a positive integer."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected a positive integer, got {value!r} ({type(value).__name__})")
    if value <= 0:
        raise ValueError(f"{name}: expected a positive integer, got {value}")
    return int(value)


def real_number(name: str, value) -> float:
    """Return ``value`` as a finite float, or raise naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a real number, got {value!r} ({type(value).__name__})")
    if not np.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value}")
    return float(value)


def seed(name: str, value, *, allow_none: bool = True):
    """Check a random seed: an integer (or None, meaning fresh entropy, where allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        want = "an integer or None" if allow_none else "an integer"
        raise TypeError(f"{name}: expected {want}, got {value!r} ({type(value).__name__})")
    return int(value)


def float_dtype(name: str, dtype) -> np.dtype:
    """Return ``np.dtype(dtype)`` if it is float32 or float64, else raise naming ``name``."""
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"{name}: expected float32 or float64, got {dtype!r}") from err
    if dt.type not in FLOAT_DTYPES:
        raise TypeError(f"{name}: expected float32 or float64, got {dt}")
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
        raise TypeError(f"{name}: expected a numpy array, got {type(value).__name__}")
    labels = names or tuple(str(s) if s is not None else "any" for s in shape)
    want = "(" + ", ".join(
        lab if s is None else (f"{lab}={s}" if names else str(s)) for lab, s in zip(labels, shape)
    ) + ")"
    if value.ndim != len(shape):
        raise ValueError(f"{name}: expected {len(shape)} dimensions {want}, got shape {shape_text(value.shape)}")
    for want_size, got in zip(shape, value.shape):
        if want_size is not None and want_size != got:
            raise ValueError(f"{name}: expected shape {want}, got {shape_text(value.shape)}")
    if value.dtype.kind not in "fiub":
        raise TypeError(f"{name}: expected a real-valued array, got dtype {value.dtype}")
    if dtype is not None and value.dtype != np.dtype(dtype):
        raise TypeError(f"{name}: expected dtype {np.dtype(dtype)}, got {value.dtype}")
    return value


def integer_array(name: str, value, *, ndim: int, high: int | None = None) -> np.ndarray:
    """Check an array of integer ids (e.g. character ids), all in ``[0, high)``."""
    value = np.asarray(value)
    if value.dtype.kind not in "iu":
        raise TypeError(f"{name}: expected an integer array, got dtype {value.dtype}")
    if value.ndim != ndim:
        raise ValueError(f"{name}: expected {ndim} dimensions, got shape {shape_text(value.shape)}")
    if high is not None and value.size and (value.min() < 0 or value.max() >= high):
        raise ValueError(f"{name}: expected ids in [0, {high}), got values from {value.min()} to {value.max()}")
    return value
