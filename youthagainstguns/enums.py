"""String enums whose members carry a translated label, for choices and badges."""
import enum

# The colours a status badge can take (CSS classes badge-ok, badge-warn, badge-bad).
TONES = ("", "ok", "warn", "bad")


class LabelledEnum(enum.StrEnum):
    """Declare members as `NAME = "value", _l("Label")[, "tone"]`.

    `.label` is in the user's language; `.tone` colours the member's badge (see TONES).
    """

    def __new__(cls, value: str, label=None, tone: str = ""):
        if tone not in TONES:
            raise ValueError(f"unknown badge tone {tone!r}")
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        member.tone = tone
        return member

    @property
    def label(self) -> str:
        """Return the member's name in the user's language."""
        return str(self._label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Return (value, label) pairs for a select field."""
        return [(member.value, member.label) for member in cls]
