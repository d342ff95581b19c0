"""Refusals the mentoring area raises; views show their message by the field it belongs to."""
from __future__ import annotations

from dataclasses import dataclass


class MentoringError(ValueError):
    """A refused action, with a message for people and, if it belongs to one, a form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class MatchStateError(MentoringError):
    """An illegal status change of a match; its message is meant for the person who asked."""


@dataclass(frozen=True)
class Refusal:
    """One reason a pairing is refused: a stable code and a sentence."""

    code: str
    text: str


class PairingRefused(MentoringError):
    """Pairing refused, with every reason that applies."""

    def __init__(self, refusals: list[Refusal]):
        super().__init__(" ".join(r.text for r in refusals))
        self.refusals = refusals

    @property
    def codes(self) -> list[str]:
        """Return the refusal codes, for tests and logs."""
        return [r.code for r in self.refusals]
