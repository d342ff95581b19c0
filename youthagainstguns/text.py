"""Text shared by every area: folding what people typed to compare it, searches, names."""
import re
import unicodedata

from markupsafe import Markup

# C0 control characters but tab and line breaks, and DEL: PostgreSQL refuses NUL in text,
# and none of them belongs in a name, a note or a search.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SEARCH_MAX_LENGTH = 100


def normalise(text: str | None) -> str:
    """Fold case, accents and repeated spaces so "Fútbol  " and "futbol" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def search_text(text: str | None) -> str:
    """Return a search as typed, trimmed, without control characters and at most 100 long."""
    return CONTROL_CHARACTERS.sub("", text or "").strip()[:SEARCH_MAX_LENGTH]


def download_name(*parts: object, ext: str) -> str:
    """Return a download's file name from its parts, in lower case without accents or spaces:
    ("taller", 5, "hoja de asistencia") -> "taller-5-hoja-de-asistencia.pdf"."""
    return "-".join(normalise(str(part)).replace(" ", "-") for part in parts) + f".{ext}"


def isolated(text: str | None) -> Markup:
    """Return what someone typed (a name, a title) escaped inside <bdi>, so a right-to-left
    override in it (U+202E) cannot reverse the rest of the line or table row."""
    return Markup("<bdi>%s</bdi>") % ("" if text is None else text)
