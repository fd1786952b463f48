"""The numpy <-> Arrow helpers agree with pyarrow's own (pandas-importing) conversions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from jobs.processing.arrow import from_numpy, numpy_dtype, string_scalar, to_numpy


@pytest.mark.parametrize(
    ("dtype", "arrow_type"),
    [
        (np.int64, pa.int64()),
        (np.int32, pa.int32()),
        (np.int8, pa.int8()),
        (np.float64, pa.float64()),
    ],
)
def test_from_numpy_matches_pa_array_with_and_without_nulls(
    dtype: type[np.generic], arrow_type: pa.DataType
) -> None:
    values = np.arange(-5, 15).astype(dtype)
    null = values % 3 == 0

    assert from_numpy(values, arrow_type).equals(pa.array(values, arrow_type))
    built = from_numpy(values, arrow_type, null=null)
    assert built.equals(pa.array(values, arrow_type, mask=null))
    assert built.null_count == int(null.sum())


def test_from_numpy_packs_booleans_and_reads_strided_input() -> None:
    values = (np.arange(23) % 3 == 1)[::2]

    assert from_numpy(values, pa.bool_()).equals(pa.array(values, pa.bool_()))


def test_from_numpy_rejects_a_dtype_of_another_width() -> None:
    with pytest.raises(TypeError, match="width"):
        from_numpy(np.arange(3, dtype=np.int32), pa.int64())


def test_to_numpy_matches_numpy_conversion_of_sliced_arrays() -> None:
    numbers = pa.array(np.arange(40, dtype=np.int64)).slice(7, 20)
    flags = pc.equal(pa.array([str(i % 3) for i in range(41)]).slice(5, 30), "1")

    assert to_numpy(numbers).tolist() == numbers.to_pylist()
    assert to_numpy(flags).tolist() == flags.to_pylist()
    assert to_numpy(numbers.slice(3, 0)).tolist() == []


def test_to_numpy_counts_a_null_boolean_as_false_and_refuses_null_numbers() -> None:
    flags = pa.array([True, None, True, False, None] * 3).slice(1)

    assert to_numpy(flags).tolist() == [v is True for v in flags.to_pylist()]
    with pytest.raises(ValueError, match="null"):
        to_numpy(pa.array([1, None], pa.int64()))


def test_string_scalar_and_numpy_dtype_match_pyarrow() -> None:
    assert string_scalar("Y").equals(pa.scalar("Y", pa.string()))
    assert string_scalar("").equals(pa.scalar("", pa.string()))
    assert string_scalar("é").equals(pa.scalar("é", pa.string()))
    assert numpy_dtype(pa.float64()) == np.dtype(np.float64)
    assert numpy_dtype(pa.uint64()) == np.dtype(np.uint64)
