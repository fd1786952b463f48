"""Synthetic loan files in the exact shape of the real `dataset_credit_risk.csv` (DATASET.md).

The real file is not redistributable, so tests, benchmarks and the demo use this generator. It
writes all 24 columns, unsorted, with the real file's ranges and quirks (sentinel job start dates,
empty occupations, same-day loans, users with 1 to 61 loans). It plants a known risk signal: each
loan's probability of default is a logistic function of quantities the five model features can
see, as of the loan's date. `generate` returns those true probabilities beside the file, so a
trained model can be judged against the best achievable score (the "oracle").
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from jobs.schema import JOB_START_SENTINEL, RAW_COLUMNS

FULL_SIZE_USERS = 36_457
FIRST_USER_ID, LAST_USER_ID = 5_008_804, 5_150_487
FIRST_LOAN_DATE, LOAN_DAYS = np.datetime64("2019-01-01"), 730
BIRTHDAY_RANGE = (np.datetime64("1952-11-06"), np.datetime64("2001-03-17"))
JOB_START_RANGE = (np.datetime64("1978-09-10"), np.datetime64("2021-08-31"))
# Upstream "days_*" columns count days back from this date; 365243 days after it is the sentinel.
REFERENCE_DATE = np.datetime64("2021-09-18")
PENSIONER_SHARE = 0.16
TARGET_POSITIVE_RATE = 0.0149
MAX_LOANS_PER_USER = 61

INCOME_TYPES = ("Working", "Commercial associate", "State servant", "Student")
EDUCATION = (
    "Secondary / secondary special",
    "Higher education",
    "Incomplete higher",
    "Lower secondary",
    "Academic degree",
)
FAMILY_STATUS = ("Married", "Single / not married", "Civil marriage", "Separated", "Widow")
HOUSING = (
    "House / apartment",
    "With parents",
    "Municipal apartment",
    "Rented apartment",
    "Office apartment",
    "Co-op apartment",
)
OCCUPATIONS = (
    "Laborers",
    "Core staff",
    "Sales staff",
    "Managers",
    "Drivers",
    "High skill tech staff",
    "Accountants",
    "Medicine staff",
)


class Dataset(NamedTuple):
    """A generated raw file (24 string columns, file order, unsorted) and each loan's truth."""

    raw: pd.DataFrame
    truth: pd.DataFrame  # loan_id, p_default

    @property
    def positive_rate(self) -> float:
        return float((self.raw["status"] == "1").mean())


def generate(users: int = FULL_SIZE_USERS, seed: int = 0) -> Dataset:
    """Generate `users` users' loans (about 21 loans per user on average)."""
    if not 1 <= users <= LAST_USER_ID - FIRST_USER_ID + 1:
        raise ValueError(f"users must be between 1 and {LAST_USER_ID - FIRST_USER_ID + 1}")
    rng = np.random.default_rng(seed)
    people = _users(rng, users)
    loans = _loans(rng, people)
    p_default = _true_probability(loans)
    loans["status"] = (rng.random(len(loans)) < p_default).astype(np.int8)
    order = rng.permutation(len(loans))  # the real file is unsorted
    raw = _as_raw_strings(rng, loans.iloc[order].reset_index(drop=True))
    truth = pd.DataFrame(
        {"loan_id": loans["loan_id"].to_numpy()[order], "p_default": p_default[order]}
    )
    return Dataset(raw=raw, truth=truth)


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a frame of string columns as a plain comma-separated UTF-8 CSV with a header."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame.astype("string[pyarrow]"), preserve_index=False)
    # Unquoted like the real file; Arrow refuses (with a clear error) a value that needs quotes.
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none", batch_size=65536)
    with path.open("wb") as out:
        out.write((",".join(table.column_names) + "\n").encode())
        pa_csv.write_csv(table, out, write_options=options)
    return path


def _users(rng: np.random.Generator, n: int) -> pd.DataFrame:
    ids = FIRST_USER_ID + rng.choice(LAST_USER_ID - FIRST_USER_ID + 1, size=n, replace=False)
    birthday = _uniform_dates(rng, *BIRTHDAY_RANGE, n)
    pensioner = rng.random(n) < PENSIONER_SHARE
    adult = birthday + np.timedelta64(18 * 365, "D")
    earliest_start = np.maximum(adult, JOB_START_RANGE[0])
    span = np.maximum((JOB_START_RANGE[1] - earliest_start).astype(int), 1)
    # Skewed towards recent starts, like real tenures; some start after their loans (null feature).
    job_start = earliest_start + (span * rng.beta(2.5, 1.0, n)).astype("timedelta64[D]")
    # Loans per user: 1..61, mean about 21.3 as in the real file.
    loans = 1 + np.minimum(rng.negative_binomial(5, 5 / (5 + 20.3), n), MAX_LOANS_PER_USER - 1)
    return pd.DataFrame(
        {
            "id": ids,
            "birthday": birthday,
            "job_start_date": job_start,
            "pensioner": pensioner,
            "flag_own_car": rng.random(n) < 0.38,
            "n_loans": loans,
            # Users differ in how much they borrow; amounts stay within the real file's range.
            "amount_scale": rng.lognormal(0.0, 0.35, n),
        }
    )


def _loans(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    owner = np.repeat(np.arange(len(people)), people["n_loans"].to_numpy())
    n = len(owner)
    loans = people.iloc[owner].reset_index(drop=True).drop(columns="n_loans")
    loans["loan_date"] = FIRST_LOAN_DATE + rng.integers(0, LOAN_DAYS, n).astype("timedelta64[D]")
    excess = rng.lognormal(np.log(18.0), 1.0, n) * loans["amount_scale"].to_numpy()
    loans["loan_amount"] = np.round(np.clip(100.0 + excess, 100.0, 820.0), 2)
    loans["loan_id"] = 1 + rng.permutation(n)
    # "Previous" loans in the contract's order: (loan_date, loan_id) within a user.
    loans = loans.sort_values(["id", "loan_date", "loan_id"], kind="stable", ignore_index=True)
    by_user = loans.groupby("id", sort=False)["loan_amount"]
    loans["prev_count"] = by_user.cumcount()
    prev_sum = by_user.cumsum() - loans["loan_amount"]
    loans["prev_mean"] = (prev_sum / loans["prev_count"].replace(0, np.nan)).to_numpy()
    loans["age_years"] = _completed_years(loans["birthday"], loans["loan_date"])
    tenure = _completed_years(loans["job_start_date"], loans["loan_date"]).astype(float)
    started_later = loans["job_start_date"].to_numpy() > loans["loan_date"].to_numpy()
    tenure[loans["pensioner"].to_numpy() | started_later] = np.nan
    loans["tenure_years"] = tenure
    return loans


def _true_probability(loans: pd.DataFrame) -> np.ndarray:
    """The planted signal: a logistic model on what the five features see, with non-linear terms."""
    age = loans["age_years"].to_numpy(float)
    prev_count = loans["prev_count"].to_numpy(float)
    prev_mean = loans["prev_mean"].to_numpy(float)
    tenure = loans["tenure_years"].to_numpy(float)
    score = (
        1.1 * np.exp(-prev_count / 3.0)  # new customers are riskier
        + 0.035 * np.nan_to_num(prev_mean - 118.0)  # heavier past borrowing, more risk
        + 0.9 * np.exp(-((age - 21.0) ** 2) / 50.0)  # the youngest borrowers
        + 0.012 * np.maximum(age - 55.0, 0.0)
        + np.where(np.isnan(tenure), 0.5, 1.2 * np.exp(-np.nan_to_num(tenure) / 1.5))
        - 0.6 * loans["flag_own_car"].to_numpy(float)
    )
    return _calibrate(score, TARGET_POSITIVE_RATE)


def _calibrate(score: np.ndarray, rate: float) -> np.ndarray:
    """Find the intercept that makes the mean probability equal `rate` (bisection)."""
    low, high = -20.0, 5.0
    for _ in range(60):
        mid = (low + high) / 2
        if (1 / (1 + np.exp(-(score + mid)))).mean() < rate:
            low = mid
        else:
            high = mid
    return np.asarray(1 / (1 + np.exp(-(score + (low + high) / 2))))


def _completed_years(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Completed calendar years from start to end (a 29 February start completes on 1 March)."""
    s, e = pd.DatetimeIndex(start), pd.DatetimeIndex(end)
    years = e.year - s.year
    before_anniversary = (e.month < s.month) | ((e.month == s.month) & (e.day < s.day))
    return np.asarray(years - before_anniversary.astype(int))


def _uniform_dates(
    rng: np.random.Generator, first: np.datetime64, last: np.datetime64, n: int
) -> np.ndarray:
    days = (last - first).astype(int) + 1
    return first + rng.integers(0, days, n).astype("timedelta64[D]")


def _days_before_reference(dates: pd.Series) -> np.ndarray:
    return np.asarray((dates.to_numpy() - REFERENCE_DATE).astype("timedelta64[D]").astype(int))


def _choice(rng: np.random.Generator, options: tuple[str, ...], n: int) -> np.ndarray:
    weights = np.linspace(len(options), 1, len(options))
    return rng.choice(np.array(options), size=n, p=weights / weights.sum())


def _text(values: np.ndarray | pa.Array) -> pa.Array:
    array = values if isinstance(values, pa.Array) else pa.array(values)
    return array.cast(pa.string())


def _as_raw_strings(rng: np.random.Generator, loans: pd.DataFrame) -> pd.DataFrame:
    """Lay the loans out as the real file: 24 columns, file order, every value as text."""
    n = len(loans)
    # User-level attributes must be constant per user, so draw them per user and broadcast.
    user_codes, user_index = np.unique(loans["id"].to_numpy(), return_inverse=True)
    n_users = len(user_codes)
    pensioner = loans["pensioner"].to_numpy()
    children = rng.choice(6, n_users, p=[0.69, 0.2, 0.085, 0.02, 0.003, 0.002])
    married = rng.random(n_users) < 0.68
    income_type = np.where(pensioner, "Pensioner", _choice(rng, INCOME_TYPES, n_users)[user_index])
    occupation = np.where(
        pensioner | (rng.random(n_users) < 0.18)[user_index],
        "",
        _choice(rng, OCCUPATIONS, n_users)[user_index],
    )
    income = np.round(rng.lognormal(np.log(160_000), 0.5, n_users) / 2250) * 2250
    days_employed = np.where(
        pensioner, 365_243, _days_before_reference(loans["job_start_date"])
    ).astype(int)
    job_start = pc.if_else(
        pa.array(pensioner),
        JOB_START_SENTINEL,
        pa.array(loans["job_start_date"].to_numpy().astype("datetime64[D]")).cast(pa.string()),
    )
    columns: dict[str, np.ndarray | pa.Array] = {
        "loan_id": loans["loan_id"].to_numpy(),
        "id": loans["id"].to_numpy(),
        "code_gender": np.where(rng.random(n_users) < 0.67, "F", "M")[user_index],
        "flag_own_car": np.where(loans["flag_own_car"].to_numpy(), "Y", "N"),
        "flag_own_realty": np.where(rng.random(n_users) < 0.67, "Y", "N")[user_index],
        "cnt_children": children[user_index],
        "amt_income_total": np.clip(income, 27_000, 1_575_000)[user_index],
        "name_income_type": income_type,
        "name_education_type": _choice(rng, EDUCATION, n_users)[user_index],
        "name_family_status": np.where(
            married, "Married", _choice(rng, FAMILY_STATUS[1:], n_users)
        )[user_index],
        "name_housing_type": _choice(rng, HOUSING, n_users)[user_index],
        "days_birth": _days_before_reference(loans["birthday"]),
        "days_employed": days_employed,
        "flag_mobil": np.ones(n, dtype=int),
        "flag_work_phone": (rng.random(n_users) < 0.23).astype(int)[user_index],
        "flag_phone": (rng.random(n_users) < 0.29).astype(int)[user_index],
        "flag_email": (rng.random(n_users) < 0.09).astype(int)[user_index],
        "occupation_type": occupation,
        "cnt_fam_members": (children + 1 + married).astype(float)[user_index],
        "status": loans["status"].to_numpy(),
        "birthday": loans["birthday"].to_numpy().astype("datetime64[D]"),
        "job_start_date": job_start,
        "loan_date": loans["loan_date"].to_numpy().astype("datetime64[D]"),
        "loan_amount": loans["loan_amount"].to_numpy(),
    }
    # Arrow's casts format numbers and dates to text far faster than numpy or pandas.
    table = pa.table({name: _text(columns[name]) for name in RAW_COLUMNS})
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
