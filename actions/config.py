"""Settings of the action server, read from `ACTIONS_*` environment variables."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.contract import MAX_MESSAGE_CHARS


class ActionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACTIONS_")

    knowledge_url: str = "http://127.0.0.1:8000"
    knowledge_timeout_seconds: float = Field(default=5.0, gt=0)
    # The records contract's cap (the chat channels' and the search's); longer messages get a
    # polite request to shorten.
    max_question_chars: int = Field(default=MAX_MESSAGE_CHARS, ge=10)
    clarify_choices: int = Field(default=3, ge=2, le=5)
    # The level-4 form takes a procedure from a search among procedures only this sure (a
    # name the catalogue knows needs no search); "cấp giấy phép kinh doanh rượu" scored 0.80
    # for household business registration, "xin giay doc than" 0.98 for the right one.
    procedure_choice_confidence: float = Field(default=0.9, ge=0.0, le=1.0)
    # Below this, the likely procedures are not even offered: the name is taken as one the
    # catalogue lacks ("chuyen muc dich su dung dat" 0.35, "làm sổ đỏ" 0.12).
    procedure_offer_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    # The knowledge service's KB_RECORDS_TOKEN: only the action server writes feedback,
    # handoffs and unanswered questions.
    records_token: str = ""
    # The secret Rasa sends in the X-Action-Secret header (bot/endpoints*.yml,
    # ACTION_SERVER_SECRET); `python -m actions.server` refuses to start without one.
    rasa_secret: str = ""
    # Only Rasa calls the action server, so it listens on loopback unless told otherwise.
    host: str = "127.0.0.1"
    port: int = Field(default=5055, ge=1, le=65535)


@lru_cache(maxsize=1)
def get_action_settings() -> ActionSettings:
    return ActionSettings()
