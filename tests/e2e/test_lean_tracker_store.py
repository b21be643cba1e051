"""bot/tracker_store.py does Rasa's SQL tracker store's work with fewer queries: for the same
conversations (two sessions, a repeated save, two senders) it must retrieve the same trackers,
publish the same events to the broker and keep the same rows as Rasa's own store."""

from knowledge.config import REPO_ROOT
from tests.e2e.bot_env import json_lines_by


def test_lean_store_keeps_retrieves_and_publishes_what_rasas_store_does() -> None:
    by_store = json_lines_by(
        "store",
        REPO_ROOT / "tests" / "e2e" / "tracker_store_comparison.py",
        str(REPO_ROOT / "bot" / "domain.yml"),
        timeout=300,
    )
    rasa, lean = by_store["rasa"], by_store["lean"]
    published = next(o["published"] for o in rasa if "published" in o)
    rows = next(o["rows"] for o in rasa if "rows" in o)
    assert len(published) == len(rows) == 30, "the conversations were not played in full"
    second_session = [o for o in rasa if o.get("step") == 4]
    assert all(len(o["latest"]) < len(o["full"]) for o in second_session), (
        "the latest session is not cut"
    )
    assert len(lean) == len(rasa)
    differing = [(r, q) for r, q in zip(rasa, lean) if r != q]
    assert not differing, differing[:2]
