"""Schemathesis against the admin part of the OpenAPI spec, in-process: no input may cause a 5xx.

Every operation is called as an editor (bearer token), with schema-valid and invalid data.
The run is bounded (MAX_EXAMPLES per operation) to stay within about two minutes.
"""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from knowledge.admin import accounts
from knowledge.admin.database import Database
from knowledge.api.app import create_app
from knowledge.embedding import create_embedder
from knowledge.service import KnowledgeService
from tests.admin.conftest import EDITOR_PASSWORD, published_seed

MAX_EXAMPLES = 12
CALLS: dict[str, int] = {}
STATUSES: dict[int, int] = {}
TOKEN: dict[str, str] = {}


def _fuzz_app(tmp: Path):  # type: ignore[no-untyped-def]
    settings = published_seed(tmp)
    db = Database.open(settings)
    TOKEN["editor"] = accounts.login(db, settings, "bien-tap", EDITOR_PASSWORD, "fuzz").principal.token  # type: ignore[union-attr]
    db.dispose()
    return create_app(settings, KnowledgeService(settings, create_embedder(settings)))


@pytest.fixture(scope="module")
def admin_schema(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    app = _fuzz_app(tmp_path_factory.mktemp("fuzz"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return schema.include(path_regex=r"^/(admin/api/|unanswered$)").exclude(path="/admin/api/logout")


def _fuzz(operation, mode: GenerationMode) -> None:  # type: ignore[no-untyped-def]
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def call(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(headers={"Authorization": f"Bearer {TOKEN['editor']}"})
        key = f"{case.method} {case.path}"
        CALLS[key] = CALLS.get(key, 0) + 1
        STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1
        assert response.status_code < 500, f"{key} ({mode}) → {response.status_code}: {response.text[:500]}"

    call()


def test_no_admin_input_causes_a_server_error(admin_schema) -> None:  # type: ignore[no-untyped-def]
    for result in admin_schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode)
            except Unsatisfiable:  # nothing to make invalid (e.g. POST /publish has no input)
                pass


def test_fuzz_run_covered_the_admin_api() -> None:
    total = sum(CALLS.values())
    print(f"\nschemathesis: {total} cases over {len(CALLS)} operations; statuses {dict(sorted(STATUSES.items()))}")
    if not CALLS:
        pytest.skip("the fuzz test did not run in this session")
    assert len(CALLS) >= 20 and total >= 200
    assert not any(status >= 500 for status in STATUSES)
