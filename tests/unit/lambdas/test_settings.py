from __future__ import annotations

import pytest

from lambdas.shared.settings import ConfigurationError, Settings, load_settings


def test_from_env_reads_each_variable_and_strips_it() -> None:
    settings = Settings.from_env(
        {"FEATURE_GROUP_NAME": " features ", "ENDPOINT_NAME": "credit-risk", "OTHER": "x"}
    )
    assert settings.feature_group_name == "features"
    assert settings.endpoint_name == "credit-risk"
    assert settings.approvals_table_name == ""


def test_require_names_every_missing_variable() -> None:
    settings = Settings.from_env({"FEATURE_GROUP_NAME": "features"})
    with pytest.raises(ConfigurationError) as raised:
        settings.require("feature_group_name", "endpoint_name", "approvals_table_name")
    assert "ENDPOINT_NAME" in str(raised.value)
    assert "APPROVALS_TABLE_NAME" in str(raised.value)
    assert "FEATURE_GROUP_NAME" not in str(raised.value)


def test_require_returns_the_settings_when_complete() -> None:
    settings = Settings.from_env({"FEATURE_GROUP_NAME": "features"})
    assert settings.require("feature_group_name") is settings


def test_require_rejects_a_misspelled_setting() -> None:
    with pytest.raises(ValueError, match="unknown settings"):
        Settings().require("feature_group")


def test_load_settings_reads_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    load_settings.cache_clear()
    monkeypatch.setenv("ENDPOINT_NAME", "first")
    try:
        assert load_settings("endpoint_name").endpoint_name == "first"
        monkeypatch.setenv("ENDPOINT_NAME", "second")
        assert load_settings("endpoint_name").endpoint_name == "first"
    finally:
        load_settings.cache_clear()
