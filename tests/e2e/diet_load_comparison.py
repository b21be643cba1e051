"""Run by test_quick_diet_load.py in Rasa's environment: load the trained model twice, with
Rasa's own DIET load and with the quick one the pipeline uses, and print both parses of every
held-out message as JSON lines, so the test can compare them."""

import asyncio
import json
import sys
from pathlib import Path

from rasa.core.agent import Agent
from rasa.nlu.classifiers.diet_classifier import DIET
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data

from bot.components.quick_loading_diet import QuickLoadingDIET


def heldout_texts(path: Path) -> list[str]:
    """The messages as Rasa reads the file (entity annotations removed)."""
    return [example.get(TEXT) for example in load_data(str(path)).intent_examples]


async def parses(agent: Agent, texts: list[str]) -> list[dict]:
    results = []
    for text in texts:
        parsed = await agent.parse_message(text)
        results.append(
            {
                "text": text,
                "ranking": [
                    (r["name"], round(r["confidence"], 5)) for r in parsed["intent_ranking"]
                ],
                "entities": sorted((e["entity"], str(e["value"])) for e in parsed["entities"]),
            }
        )
    return results


def main(model: str, heldout: str) -> int:
    texts = heldout_texts(Path(heldout))
    quick = Agent.load(model)
    # The same model with Rasa's own load: what the quick load must reproduce.
    QuickLoadingDIET.load = classmethod(DIET.load.__func__)  # type: ignore[method-assign]
    rasa_own = Agent.load(model)
    for label, agent in (("quick", quick), ("rasa", rasa_own)):
        for row in asyncio.run(parses(agent, texts)):
            print(json.dumps({"load": label, **row}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
