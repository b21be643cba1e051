"""A bounded, derandomised fuzz run of what anyone on the internet can reach: Rasa's REST
channel and the knowledge service's public endpoints, with random JSON and Unicode. No
input may cause a server error (5xx) or an empty reply to a well-formed turn."""

from collections import Counter
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stack.services import Stack

pytestmark = pytest.mark.e2e
EXAMPLES = 100
# Each run must reach most of its examples (hypothesis may stop a little early when it runs out
# of distinct ones); each test checks its own, so any one can run alone or in any order.
MIN_CASES = EXAMPLES * 6 // 7

unicode_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | unicode_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(unicode_text, inner, max_size=4),
    max_leaves=12,
)
senders = st.one_of(st.uuids().map(lambda u: u.hex), unicode_text, st.integers(), st.none())
turns = st.fixed_dictionaries(
    {"sender": senders, "message": st.one_of(unicode_text, json_values)},
    optional={"metadata": json_values},
)
# Well-formed turns with random text, so most cases reach the NLU and the dialogue.
well_formed_turns = st.fixed_dictionaries(
    {"sender": st.uuids().map(lambda u: u.hex), "message": unicode_text.filter(str.strip)},
    optional={"metadata": st.dictionaries(unicode_text, unicode_text, max_size=3)},
)
SHAPED = {  # bodies of the right shape with random values, beside arbitrary JSON
    "/search": st.fixed_dictionaries(
        {"query": unicode_text}, optional={"top_k": st.integers(-5, 50)}
    ),
    "/feedback": st.fixed_dictionaries(
        {"conversation_id": unicode_text, "helpful": st.booleans()},
        optional={"document_id": unicode_text, "question": unicode_text},
    ),
    "/handoffs": st.fixed_dictionaries(
        {
            "conversation_id": unicode_text,
            "reason": st.sampled_from(["requested", "x"]),
            "transcript": st.lists(json_values, max_size=3),
        }
    ),
    "/unanswered": st.fixed_dictionaries(
        {
            "conversation_id": unicode_text,
            "question": unicode_text,
            "reason": st.sampled_from(["fallback", "thumbs_down", "x"]),
        }
    ),
}
bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def covered(name: str, statuses: Counter[int]) -> None:
    """This run's own coverage: enough cases, none a server error (printed for the log)."""
    print(f"\npublic fuzz {name}: {sum(statuses.values())} cases, statuses {dict(statuses)}")
    assert sum(statuses.values()) >= MIN_CASES
    assert not any(status >= 500 for status in statuses)


def test_the_rest_channel_never_fails_on_random_input(stack: Stack) -> None:
    url = f"{stack.config.url(stack.config.rasa_port)}/webhooks/rest/webhook"
    statuses: Counter[int] = Counter()
    with httpx.Client(timeout=60) as client:

        @bounded
        @given(body=st.one_of(well_formed_turns, well_formed_turns, turns, json_values))
        def call(body: Any) -> None:
            response = client.post(url, json=body)
            statuses[response.status_code] += 1
            assert response.status_code < 500, (body, response.text[:300])
            if response.status_code == 200:
                assert response.json(), f"an empty reply to {body!r}"

        call()
    covered("rest", statuses)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/search"),
        ("GET", "/documents/{}"),
        ("POST", "/feedback"),
        ("POST", "/handoffs"),
        ("POST", "/unanswered"),
        ("GET", "/status"),
    ],
)
def test_public_knowledge_endpoints_never_fail_on_random_input(
    stack: Stack, method: str, path: str
) -> None:
    base = stack.config.url(stack.config.knowledge_port)
    # With the action server's secret, so that random records reach validation and the database.
    headers = {"X-Records-Token": stack.config.records_token}
    statuses: Counter[int] = Counter()
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:

        @bounded
        @given(body=st.one_of(SHAPED.get(path, json_values), json_values), part=unicode_text)
        def call(body: Any, part: str) -> None:
            target = path.format(quote(part, safe="") or "x")
            response = client.request(
                method,
                target,
                json=body if method == "POST" else None,
                params=None if method == "POST" else {"q": part},
            )
            statuses[response.status_code] += 1
            assert response.status_code < 500, (target, body, response.text[:300])

        call()
    covered(path, statuses)
