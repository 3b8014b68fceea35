"""A few numbers and 2-D float arrays as bytes, exactly: what a report section keeps of a drawn
trial in the child's trial cache (``telemetry.trial_cache``, which stores opaque bytes).

Every value is a float64 in native byte order: the scalars, the number of arrays, each
array's rows and columns, then every array's values row by row. The same bits come back, so a
page drawn from the cache is the page drawn from the files, byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def pack(scalars: Sequence[float], arrays: Sequence[np.ndarray]) -> bytes:
    """``scalars`` and ``arrays`` (each 2-D: an empty one keeps its columns) as bytes."""
    two_d = [np.asarray(a, dtype=np.float64) for a in arrays]
    if any(a.ndim != 2 for a in two_d):
        raise ValueError("pack takes 2-D arrays only")
    head = [*scalars, len(two_d)]
    for a in two_d:
        head += a.shape
    return np.concatenate([np.array(head, dtype=np.float64), *(a.ravel() for a in two_d)]
                          ).tobytes()


def unpack(value: bytes, scalars: int) -> tuple[list[float], list[np.ndarray]]:
    """The ``scalars`` numbers and the arrays that :func:`pack` gave ``value`` for (the
    arrays are read-only views of ``value``)."""
    flat = np.frombuffer(value, dtype=np.float64)
    count = int(flat[scalars])
    shapes = flat[scalars + 1: scalars + 1 + 2 * count].astype(np.int64).tolist()
    at = scalars + 1 + 2 * count
    arrays = []
    for rows, cols in zip(shapes[::2], shapes[1::2], strict=True):
        arrays.append(flat[at: at + rows * cols].reshape(rows, cols))
        at += rows * cols
    return flat[:scalars].tolist(), arrays
