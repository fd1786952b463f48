"""Column names, feature order and sentinels: the one place they are spelled.

ARCHITECTURE.md 3.1-3.3 are the contracts; every job, Lambda and test imports the names from here.
"""

from __future__ import annotations

# The 24 columns of the raw file, in file order (DATASET.md).
RAW_COLUMNS: tuple[str, ...] = (
    "loan_id",
    "id",
    "code_gender",
    "flag_own_car",
    "flag_own_realty",
    "cnt_children",
    "amt_income_total",
    "name_income_type",
    "name_education_type",
    "name_family_status",
    "name_housing_type",
    "days_birth",
    "days_employed",
    "flag_mobil",
    "flag_work_phone",
    "flag_phone",
    "flag_email",
    "occupation_type",
    "cnt_fam_members",
    "status",
    "birthday",
    "job_start_date",
    "loan_date",
    "loan_amount",
)

# The columns a raw file must have (others are allowed and ignored).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "loan_id",
    "id",
    "loan_date",
    "loan_amount",
    "birthday",
    "job_start_date",
    "flag_own_car",
    "status",
)

# job_start_date value meaning "not employed" (upstream code 365243 days); it is not a real date.
JOB_START_SENTINEL = "3021-09-18"

RECORD_ID = "id"
LOAN_ID = "loan_id"
EVENT_TIME = "loan_date"
TARGET = "status"

# The five model features, in the order the model and the endpoint take them (ARCHITECTURE.md 3.2).
FEATURES: tuple[str, ...] = (
    "nb_previous_loans",
    "avg_amount_loans_previous",
    "age",
    "years_on_the_job",
    "flag_own_car",
)

# The features that may be null (contract 3.2): no previous loan, or no usable job start date.
NULLABLE_FEATURES: tuple[str, ...] = ("avg_amount_loans_previous", "years_on_the_job")

# Processing job output columns (contract 3.2), in order.
FEATURE_TABLE_COLUMNS: tuple[str, ...] = (RECORD_ID, LOAN_ID, EVENT_TIME, *FEATURES, TARGET)

# Feature Store feature types for the feature group (contract 3.3).
FEATURE_GROUP_TYPES: dict[str, str] = {
    RECORD_ID: "Integral",
    LOAN_ID: "Integral",
    EVENT_TIME: "String",
    "nb_previous_loans": "Integral",
    "avg_amount_loans_previous": "Fractional",
    "age": "Integral",
    "years_on_the_job": "Integral",
    "flag_own_car": "Integral",
    TARGET: "Integral",
}


def event_time_string(loan_date: str) -> str:
    """Feature Store event time for a `YYYY-MM-DD` loan date (ISO-8601, UTC midnight)."""
    return f"{loan_date}T00:00:00Z"
