"""The pipeline's DIET skips Rasa's one-example training step when it loads
(bot/components/quick_loading_diet.py): the trained model must parse every held-out message
exactly as Rasa's own load of the same model does — intent ranking, confidences, entities."""

import pytest

from knowledge.config import REPO_ROOT
from tests.e2e.bot_env import json_lines_by
from tests.e2e.conftest import MODEL


def test_quick_load_parses_the_heldout_set_as_rasa_does() -> None:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test` (it trains first).")
    by_load = json_lines_by(
        "load",
        REPO_ROOT / "tests" / "e2e" / "diet_load_comparison.py",
        str(MODEL),
        str(REPO_ROOT / "eval" / "nlu_heldout.yml"),
    )
    assert len(by_load["rasa"]) >= 200, "the held-out set was not parsed"
    differing = [(q["text"], q, r) for q, r in zip(by_load["quick"], by_load["rasa"]) if q != r]
    assert len(by_load["quick"]) == len(by_load["rasa"])
    assert not differing, differing[:3]
