"""docs/openapi.yaml itself: a valid OpenAPI document that says what the code does."""

from __future__ import annotations

import re

import pytest
import yaml
from openapi_spec_validator import validate

from tests.fixtures.lambdas import HTTP_ROUTES, OPENAPI_PATH, REPO_ROOT, Api, ApiContract

METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


def test_openapi_document_is_valid() -> None:
    validate(yaml.safe_load(OPENAPI_PATH.read_text()))


def test_openapi_documents_exactly_the_gateway_routes(api_contract: ApiContract) -> None:
    documented = {
        f"{method.upper()} {path}"
        for path, item in api_contract.document["paths"].items()
        for method in item
        if method in METHODS
    }
    assert documented == set(HTTP_ROUTES)


def test_openapi_error_codes_are_the_codes_the_functions_use(api_contract: ApiContract) -> None:
    schema = api_contract.document["components"]["schemas"]["Error"]
    documented = set(schema["properties"]["error"]["properties"]["code"]["enum"])
    source = "\n".join(p.read_text() for p in (REPO_ROOT / "lambdas").rglob("*.py"))
    used = set(re.findall(r'code="([a-z_]+)"', source))
    used |= set(re.findall(r'respond\(\d{3}, "([a-z_]+)"', source))
    assert used - documented == set(), "codes the functions send but openapi.yaml does not name"
    assert documented - used == set(), "codes openapi.yaml names but no function sends"


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_approval_routes_fail_with_a_documented_500(
    api: Api, monkeypatch: pytest.MonkeyPatch, accept: str
) -> None:
    from lambdas.shared.settings import load_settings  # noqa: PLC0415

    monkeypatch.delenv("APPROVALS_TABLE_NAME")
    load_settings.cache_clear()
    token = "NotIssuedByTheApprovalRequestFunction-00000"
    got = api.get(f"/approvals/{token}", headers={"Accept": accept})
    posted = api.post(
        f"/approvals/{token}", data={"decision": "approve"}, headers={"Accept": accept}
    )
    assert (got.status_code, posted.status_code) == (500, 500)
    assert "APPROVALS_TABLE_NAME" not in got.get_data(as_text=True)
    assert "Traceback" not in posted.get_data(as_text=True)
