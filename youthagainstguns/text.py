"""Text folding shared by every area that compares what people typed."""
import unicodedata


def normalise(text: str | None) -> str:
    """Fold case, accents and repeated spaces so "Fútbol  " and "futbol" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
