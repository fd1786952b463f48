"""Processing job on a full-size generated file: wall time, peak memory, and two comparisons.

- the floor: pyarrow reading just the eight needed columns as strings (what any job must do);
- the common approach to `avg_amount_loans_previous`:
  `groupby().apply(shift().expanding().mean())`, timed beside this job's vectorised version on
  the same frame.
Targets (issue 2): job wall time at most 3x the floor, peak RSS under 1.5 GB.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from benchmarks.support import best_of, full_size_csv, load_average, run_child
from jobs import schema
from jobs.processing.features import history_features
from jobs.processing.job import run as run_processing

log = logging.getLogger(__name__)

REPEATS = 3
TARGET_RATIO_TO_FLOOR = 3.0
TARGET_PEAK_RSS_MB = 1500.0
FLOOR_SCRIPT = """
import sys, pyarrow as pa, pyarrow.csv as c
cols = {cols!r}
c.read_csv(sys.argv[1], convert_options=c.ConvertOptions(
    include_columns=cols, column_types=dict.fromkeys(cols, pa.string())))
"""


def read_floor(path: Path) -> pa.Table:
    columns = list(schema.REQUIRED_COLUMNS)
    return pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            include_columns=columns, column_types=dict.fromkeys(columns, pa.string())
        ),
    )


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - started)
    return round(best, 3), result


def common_average(frame: pd.DataFrame) -> pd.Series:
    ordered = frame.sort_values(["id", "loan_date", "loan_id"])
    average = ordered.groupby("id")["loan_amount"].apply(lambda s: s.shift().expanding().mean())
    return average.reset_index(level=0, drop=True).reindex(frame.index)


def vectorised_average(frame: pd.DataFrame) -> np.ndarray:
    ordinal: npt.NDArray[np.int32] = np.asarray(
        frame["loan_date"].str.replace("-", "").astype("int32"), dtype=np.int32
    )
    count, total = history_features(
        frame["id"].to_numpy(),
        ordinal,
        frame["loan_id"].to_numpy(),
        frame["loan_amount"].to_numpy(),
    )
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def run() -> dict[str, Any]:
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-processing-") as tmp:
        work = Path(tmp)
        csv = full_size_csv(work / "input")
        file_mb = round(csv.stat().st_size / 1e6, 1)
        log.info("generated %s (%.0f MB)", csv, file_mb)
        floor_script = FLOOR_SCRIPT.format(cols=list(schema.REQUIRED_COLUMNS))
        job_argv = ["-m", "jobs.processing", "--input-dir", str(csv.parent)]

        floor_runs, job_runs = [], []
        for i in range(REPEATS):  # interleaved, so background load hits both alike
            floor_runs.append(run_child(["-c", floor_script, str(csv)]))
            job_runs.append(run_child([*job_argv, "--output-dir", str(work / f"out{i}")]))
        floor, job = best_of(floor_runs), best_of(job_runs)
        if job.returncode != 0:
            raise RuntimeError(f"the processing job failed: {job}")

        floor_in_process, table = timed(read_floor, csv)
        job_in_process, _ = timed(run_processing, csv.parent, work / "inproc", work / "message", 5)

        frame = table.select(["id", "loan_id", "loan_date", "loan_amount"]).to_pandas()
        frame = frame.astype({"id": "int64", "loan_id": "int64", "loan_amount": "float64"})
        common_seconds, common = timed(common_average, frame)
        vector_seconds, vector = timed(vectorised_average, frame)
        agree = bool(np.allclose(common.to_numpy(dtype=float), vector, rtol=1e-9, equal_nan=True))

    ratio = round(job.wall_seconds / floor.wall_seconds, 2)
    return {
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "cpus": os.cpu_count(),
        "rows": int(table.num_rows),
        "file_mb": file_mb,
        "repeats": REPEATS,
        "job_subprocess": {
            "wall_seconds": job.wall_seconds,
            "cpu_seconds": job.cpu_seconds,
            "peak_rss_mb": job.peak_rss_mb,
        },
        "floor_subprocess": {
            "wall_seconds": floor.wall_seconds,
            "cpu_seconds": floor.cpu_seconds,
            "peak_rss_mb": floor.peak_rss_mb,
        },
        "ratio_job_to_floor": ratio,
        "in_process": {
            "job_seconds": job_in_process,
            "floor_seconds": floor_in_process,
            "ratio": round(job_in_process / floor_in_process, 2),
        },
        "avg_amount_loans_previous": {
            "common_groupby_apply_seconds": common_seconds,
            "vectorised_seconds": vector_seconds,
            "speedup": round(common_seconds / vector_seconds, 1),
            "same_values": agree,
        },
        "all_runs": {
            "job": [r.wall_seconds for r in job_runs],
            "floor": [r.wall_seconds for r in floor_runs],
        },
        "targets": {
            "ratio_job_to_floor_max": TARGET_RATIO_TO_FLOOR,
            "peak_rss_mb_max": TARGET_PEAK_RSS_MB,
        },
        "met": {
            "ratio_job_to_floor": ratio <= TARGET_RATIO_TO_FLOOR,
            "peak_rss": job.peak_rss_mb < TARGET_PEAK_RSS_MB,
        },
    }
