"""One knowledge-service client per action-server process, created on first use.

The action server pickles registered actions into its worker process, and an open HTTP
client holds locks that cannot be pickled, so actions must not create it in __init__.
"""

from actions.config import get_action_settings
from actions.knowledge_client import KnowledgeClient


class UsesKnowledgeClient:
    def __init__(self, client: KnowledgeClient | None = None) -> None:
        self._settings = get_action_settings()
        self._injected_client = client
        self._shared_client: KnowledgeClient | None = None

    @property
    def _client(self) -> KnowledgeClient:
        if self._injected_client is not None:
            return self._injected_client
        if self._shared_client is None:
            self._shared_client = KnowledgeClient(self._settings)
        return self._shared_client
