"""Settings of the action server, read from `ACTIONS_*` environment variables."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ActionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACTIONS_")

    knowledge_url: str = "http://127.0.0.1:8000"
    knowledge_timeout_seconds: float = Field(default=5.0, gt=0)
    # Mirrors the knowledge service's limit; longer messages get a polite request to shorten.
    max_question_chars: int = Field(default=1000, ge=10)
    clarify_choices: int = Field(default=3, ge=2, le=5)
    # The knowledge service's KB_RECORDS_TOKEN: only the action server writes feedback,
    # handoffs and unanswered questions.
    records_token: str = ""


@lru_cache(maxsize=1)
def get_action_settings() -> ActionSettings:
    return ActionSettings()
