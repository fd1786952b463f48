"""Moving values between numpy and Arrow without `pa.array`, `pa.scalar` or `Array.to_numpy`.

All three import pandas on first use (`pa.array` probes for pandas types; the conversion to numpy
shares pyarrow's pandas conversion code): 0.2-0.4 s of a job that never uses pandas, a third of
the distance to its benchmark target. These helpers read and assemble the raw buffers instead
(zero-copy for numeric arrays), so the job process never loads pandas.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

BoolArray = npt.NDArray[np.bool_]


def numpy_dtype(type: pa.DataType) -> np.dtype[np.generic]:
    """The numpy dtype of a fixed-width Arrow number type (numpy also spells "double" etc.)."""
    return np.dtype(str(type))


def _bitmap(bits: BoolArray) -> pa.Buffer:
    """Arrow's little-endian bit-packed layout (validity bitmaps and boolean values)."""
    return pa.py_buffer(np.packbits(bits, bitorder="little"))


def from_numpy(
    values: npt.NDArray[np.generic], type: pa.DataType, *, null: BoolArray | None = None
) -> pa.Array:
    """An Arrow array of `type` over `values` (whose dtype must have the same width); rows where
    `null` is True are null. Booleans are bit-packed; other types share numpy's memory."""
    if values.ndim != 1:
        raise ValueError(f"expected a 1-d array, got shape {values.shape}")
    validity = None if null is None or not null.any() else _bitmap(~null)
    if pa.types.is_boolean(type):
        data = _bitmap(np.asarray(values, dtype=np.bool_))
    else:
        if values.dtype.itemsize * 8 != type.bit_width:
            raise TypeError(f"numpy {values.dtype} does not have the width of Arrow {type}")
        data = pa.py_buffer(np.ascontiguousarray(values))
    return pa.Array.from_buffers(type, len(values), [validity, data])


@functools.cache
def string_scalar(text: str) -> pa.StringScalar:
    """`text` as an Arrow string scalar, for comparisons in `pyarrow.compute` calls."""
    encoded = text.encode()
    offsets = pa.py_buffer(np.array([0, len(encoded)], dtype=np.int32))
    array = pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(encoded)])
    scalar: pa.StringScalar = array[0]
    return scalar


def to_numpy(values: pa.Array) -> npt.NDArray[Any]:
    """A fixed-width Arrow array as numpy: booleans unpacked (null counts as False), numbers
    zero-copy (read-only; a null is an error, since its slot holds an arbitrary value)."""
    n, offset = len(values), values.offset
    validity, data = values.buffers()[:2]
    if pa.types.is_boolean(values.type):
        bits = np.frombuffer(data, np.uint8) if n else np.zeros(0, np.uint8)
        unpacked = np.unpackbits(bits, count=offset + n, bitorder="little")[offset:].view(np.bool_)
        if values.null_count:
            valid = np.unpackbits(
                np.frombuffer(validity, np.uint8), count=offset + n, bitorder="little"
            )
            unpacked = unpacked & valid[offset:].view(np.bool_)
        return unpacked
    if values.null_count:
        raise ValueError(f"{values.null_count} null(s) in a {values.type} array")
    dtype = numpy_dtype(values.type)
    if not n:
        return np.zeros(0, dtype)
    return np.frombuffer(data, dtype, count=offset + n)[offset:]
