"""What can go wrong in an admin operation; the API turns each into one HTTP status."""


class AdminError(Exception):
    """Base class; `message` is shown to staff (Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(AdminError):
    pass


class AlreadyExists(AdminError):
    pass


class VersionConflict(AdminError):
    """The edit was based on an older version than the one stored: never overwrite."""

    def __init__(self, message: str, current_version: int) -> None:
        super().__init__(message)
        self.current_version = current_version


class InvalidInput(AdminError):
    """Malformed content; `problems` lists each reason (path or field: why)."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


class TooLarge(AdminError):
    pass


class NotSeeded(AdminError):
    """A first publish would drop documents the bot serves from kb/documents but the
    database does not have: import them first."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


class RequiredDocument(AdminError):
    """The change would take away a document a form fetches by id
    (shared/required_documents.py); `required_by` maps each such id to those forms."""

    def __init__(self, message: str, required_by: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.required_by = required_by


class PublishFailed(AdminError):
    """The new index could not be built; the old one keeps serving."""


class HandoffConflict(AdminError):
    """The handoff is no longer in a state that allows this: another staff member claimed it
    first, it is not yours, or it has ended."""


class ChatServerUnavailable(AdminError):
    """The chat server (Rasa's staff bridge) did not answer; nothing was changed."""
