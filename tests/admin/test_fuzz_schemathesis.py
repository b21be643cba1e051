"""Schemathesis against the admin part of the OpenAPI spec, in-process: no input may cause a 5xx.

Every operation is called as an editor (bearer token), with schema-valid and invalid data.
The run is bounded (MAX_EXAMPLES per operation) to stay within about two minutes, and
derandomised: every machine generates the same cases, so a pass or a failure is not luck.
The class of input a random run once found only sometimes (an integer too large for the
database) is covered deterministically by the schema walk and the regression test below.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from knowledge.api.app import create_app
from knowledge.api.schemas.admin import MAX_ROW_ID
from knowledge.config import Settings
from knowledge.platform import accounts
from knowledge.platform.database import Database
from knowledge.retrieval.embedding import Embedder, create_embedder
from knowledge.retrieval.service import KnowledgeService
from tests.admin.conftest import EDITOR_PASSWORD, published_seed

MAX_EXAMPLES = 12


@dataclass
class SeededApp:
    app: Any
    token: str  # an editor's bearer token

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class FuzzRun:
    """What one fuzz run over the admin API sent and got back."""

    calls: dict[str, int] = field(default_factory=dict)  # per "METHOD /path"
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # each operation and mode that failed, shrunk


def _seeded_app(tmp: Path, embedder: Embedder) -> SeededApp:
    settings = published_seed(tmp, embedder)
    db = Database.open(settings)
    token = accounts.login(db, settings, "bien-tap", EDITOR_PASSWORD, "fuzz").principal.token  # type: ignore[union-attr]
    db.dispose()
    return SeededApp(create_app(settings, KnowledgeService(settings, embedder)), token)


def _admin_schema(app):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return schema.include(path_regex=r"^/(admin/api/|unanswered$)").exclude(
        path="/admin/api/logout"
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> SeededApp:
    """An app no fuzz case has touched, for the schema walk and the regression test."""
    return _seeded_app(tmp_path_factory.mktemp("seeded"), embedder)


@pytest.fixture(scope="module")
def admin_schema(seeded: SeededApp):  # type: ignore[no-untyped-def]
    return _admin_schema(seeded.app)


def _fuzz(operation, mode: GenerationMode, token: str, run: FuzzRun) -> None:  # type: ignore[no-untyped-def]
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def call(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        key = f"{case.method} {case.path}"
        run.calls[key] = run.calls.get(key, 0) + 1
        run.statuses[response.status_code] = run.statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (
            f"{key} ({mode}) → {response.status_code}: {response.text[:500]}"
        )

    call()


@pytest.fixture(scope="module")
def fuzz_run(tmp_path_factory: pytest.TempPathFactory) -> FuzzRun:
    """One bounded run over every admin operation, on an app (and an embedder, whose query
    cache the random /try queries fill) of its own: the cases create, publish and switch
    maintenance on, and no other test sees what they did. The two tests below read it, so
    either one alone, or both in any order, checks the same run."""
    target = _seeded_app(tmp_path_factory.mktemp("fuzz"), create_embedder(Settings()))
    run = FuzzRun()
    for result in _admin_schema(target.app).get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, target.token, run)
            except Unsatisfiable:  # nothing to make invalid (e.g. POST /publish has no input)
                pass
            except Exception as error:  # the shrunk failing case; the other operations still run
                run.failures.append(f"{operation.label} ({mode}): {_described(error)}")
    return run


def _described(error: BaseException) -> str:
    """The failure with hypothesis's notes (the falsifying example), each of a group's."""
    if isinstance(error, BaseExceptionGroup):
        return " | ".join(_described(inner) for inner in error.exceptions)
    return " ".join([f"{type(error).__name__}: {error}", *getattr(error, "__notes__", [])])


def test_no_admin_input_causes_a_server_error(fuzz_run: FuzzRun) -> None:
    assert fuzz_run.failures == []


def _integer_inputs(
    node: object, spec: dict[str, Any], where: str, seen: set[str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every integer schema reachable from a request part, following $ref into components."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in seen:
            target: Any = spec
            for part in ref.removeprefix("#/").split("/"):
                target = target[part]
            yield from _integer_inputs(target, spec, f"{where}->{ref}", seen | {ref})
        if node.get("type") == "integer":
            yield where, node
        for key, child in node.items():
            yield from _integer_inputs(child, spec, f"{where}/{key}", seen)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _integer_inputs(child, spec, f"{where}/{i}", seen)


def test_every_integer_the_admin_api_accepts_fits_the_database(admin_schema) -> None:  # type: ignore[no-untyped-def]
    """An unbounded integer input could reach a query as a value SQLite or PostgreSQL cannot
    store (the 500 a random fuzz run once found); every one needs a minimum and a maximum."""
    spec = admin_schema.raw_schema
    integers = [
        (f"{method.upper()} {path}{where}", schema)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        for part in ("parameters", "requestBody")
        for where, schema in _integer_inputs(operation.get(part, {}), spec, f" {part}", set())
    ]
    assert len(integers) >= 5, "the walk found too few integer inputs: the schema layout changed"
    unbounded = [
        where
        for where, schema in integers
        if "minimum" not in schema or schema.get("maximum", MAX_ROW_ID + 1) > MAX_ROW_ID
    ]
    assert unbounded == []


@pytest.mark.parametrize("too_large", [MAX_ROW_ID + 1, 2**63, 2**64])
def test_question_ids_beyond_the_database_range_are_refused(
    seeded: SeededApp, too_large: int
) -> None:
    """Regression: `{"ids": [9223372036854775808]}` gave OverflowError → 500 on SQLite."""
    with TestClient(
        seeded.app
    ) as client:  # its own lifespan: not one a schemathesis run left behind
        response = client.post(
            "/admin/api/unanswered/resolve", json={"ids": [too_large]}, headers=seeded.headers
        )
    assert response.status_code == 422, response.text


def test_fuzz_run_covered_the_admin_api(fuzz_run: FuzzRun) -> None:
    total = sum(fuzz_run.calls.values())
    print(
        f"\nschemathesis: {total} cases over {len(fuzz_run.calls)} operations; "
        f"statuses {dict(sorted(fuzz_run.statuses.items()))}"
    )
    assert len(fuzz_run.calls) >= 20 and total >= 200
    assert not any(status >= 500 for status in fuzz_run.statuses)
