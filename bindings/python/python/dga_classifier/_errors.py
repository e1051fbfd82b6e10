"""The package's exception, apart from the extension so the extension can raise it."""

from typing import Optional


class DomainError(ValueError):
    """What was wrong with a host name: ``str(e)`` says it in a sentence, ``kind`` names it
    (``invalid_character``, ``name_too_long``...) and ``position`` is the byte it concerns, or
    None when no one byte does."""

    def __init__(self, message: str, kind: str, position: Optional[int]) -> None:
        super().__init__(message)
        self.kind = kind
        self.position = position
