"""String enums whose members carry a translated label, for choices and badges."""
import enum


class LabelledEnum(enum.StrEnum):
    """Declare members as `NAME = "value", _l("Label")`; `.label` is in the user's language."""

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self) -> str:
        """Return the member's name in the user's language."""
        return str(self._label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Return (value, label) pairs for a select field."""
        return [(member.value, member.label) for member in cls]
