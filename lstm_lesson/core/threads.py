"""BLAS threads: one by default.

On a 2-core laptop two BLAS threads buy ~12% when the machine is idle, but under contention
(a browser, a second kernel) a training step went from 25 ms to 464 ms. One thread is the safe
default for a classroom; ``set_threads(n)`` raises it.
"""

from __future__ import annotations

from threadpoolctl import threadpool_limits

from . import validate as check

_limit = None


def set_threads(n: int = 1):
    """Limit numpy's BLAS (OpenBLAS/MKL) to ``n`` threads for this process; returns ``n``."""
    global _limit
    n = check.positive_int("n", n)
    _limit = threadpool_limits(limits=n, user_api="blas")
    return n
