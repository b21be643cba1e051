"""Entities from a citizen's own words, matched against a phrase vocabulary (bot/entities.yml).

DIET learns entities from annotated examples, and a form's answers ("mất điện thoại",
"công ty", "cổng quốc gia") are a closed, known set: a vocabulary matched on folded words
finds them in any message — the opening one included — with no annotation to keep in step,
and a typed button label fills the slot exactly as the click does. The vocabulary is read at
training time and stored in the model, so a served model never depends on the working folder.
"""

import json
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.phrase_vocabulary import Phrase, find_entities, read_vocabulary

_FILE_NAME = "vocabulary.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class VocabularyEntityExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"vocabulary": "bot/entities.yml"}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        phrases: list[Phrase] | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._phrases = phrases or []

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "VocabularyEntityExtractor":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self._phrases = read_vocabulary(Path(self._config["vocabulary"]))
        with self._model_storage.write_to(self._resource) as directory:
            rows = [[list(p.words), p.entity, p.value] for p in self._phrases]
            (directory / _FILE_NAME).write_text(
                json.dumps(rows, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "VocabularyEntityExtractor":
        with model_storage.read_from(resource) as directory:
            rows = json.loads((directory / _FILE_NAME).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, [Phrase(tuple(w), e, v) for w, e, v in rows])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = find_entities(message.get(TEXT) or "", self._phrases)
            if not found:
                continue
            known = {entity["entity"] for entity in found}
            others = [e for e in message.get(ENTITIES, []) if e.get("entity") not in known]
            message.set(ENTITIES, others + self.add_extractor_name(found), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
