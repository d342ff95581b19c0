"""Does the Spanish catalog speak with one voice: usted, no slashes, the glossary's terms?"""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "youthagainstguns" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
GLOSSARY = ROOT / "docs" / "glossary.md"

# Forms that only the tú voice uses, wherever they stand.
TU_ANYWHERE = (
    # pronouns and possessives
    "tu", "tus", "tú", "te", "ti", "contigo",
    # present indicative and subjunctive
    "puedes", "tienes", "quieres", "debes", "estás", "eres", "has", "necesitas", "sabes",
    "buscas", "dejas", "ves", "vas", "haces", "usas", "eliges", "escribes", "intentas",
    "puedas", "quieras", "tengas", "necesites", "uses", "incluyas", "compartas", "olvides",
    "dejes", "pongas", "escribas", "subas",
    # preterite, future and conditional
    "cerraste", "guardaste", "pediste", "elegiste", "olvidaste", "usaste", "recibiste",
    "podrás", "tendrás", "sabrás", "harás", "dirás", "pondrás", "habrás", "podrías", "deberías",
    r"\w+[aeií]rás",  # any other future: recibirás, verás, encontrarás (not "atrás")
    # irregular imperatives
    "haz", "pon", "ten", "sal", "di",
    # imperatives with a pronoun attached
    "inténtalo", "déjalo", "déjala", "divídelo", "divídela", "pídesela", "pídelo", "pídele",
    "créalo", "créala", "ábrelo", "guárdalo", "guárdala", "revísalo", "revísala", "cópiala",
    "cópialo", "súbelo", "súbela", "indícalo", "corrígela", "corrígelo", "escríbelo",
    "asegúrate", "suscríbete", "acuérdate",
)
# Imperatives that look like a third person ("el sistema elige"): flagged where a clause starts.
TU_CLAUSE_START = (
    "elige", "escribe", "vuelve", "revisa", "ingresa", "pulsa", "espera", "usa", "repite",
    "crea", "pide", "quita", "separa", "recarga", "avisa", "busca", "inicia", "cambia",
    "guarda", "mira", "selecciona", "sube", "confirma",
    "completa", "abre", "agrega", "indica", "contacta", "sigue", "toca", "escanea", "llama",
    "lee", "corrige", "divide", "intenta", "recuerda", "verifica", "comprueba", "cierra",
    "instala", "renueva", "describe", "explica", "anota", "ve",
)
_words = "|".join(TU_ANYWHERE)
_starts = "|".join(TU_CLAUSE_START)
TU_RE = re.compile(
    rf"(?<!\w)(?:{_words})(?!\w)"
    rf"|(?:^|[.;:!?¿¡,(«\"]\s*|\b(?:y|o|luego|después)\s+)(?:{_starts})(?!\w)",
    re.IGNORECASE | re.MULTILINE,
)
# "el/la", "mentor/a", "niñ@s", "alumno(a)": the slash and bracket forms of gender.
SLASH_RE = re.compile(
    r"[^\W\d_]/(?:a|as|o|os|es|la|las|el|los|una|un|del|de)(?!\w)"
    r"|[^\W\d_]@[^\W\d_]|[^\W\d_]\((?:a|as|o|os|es)\)",
    re.IGNORECASE,
)


def _catalog_strings(path=CATALOG):
    """Return (msgid, msgstr) for every translated string of the catalog, plural forms apart."""
    with open(path, "rb") as fh:
        catalog = read_po(fh)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend((msgid, s) for s in strings if s)
    return pairs


def glossary_banned_words(path=GLOSSARY):
    """Return the words in the glossary's "No usar" column (each written in backticks)."""
    banned = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and not set(cells[3]) <= set("-"):
            banned.extend(re.findall(r"`([^`]+)`", cells[3]))
    return banned


def voice_problems(path=CATALOG):
    """List every msgstr that uses tú, a slash form of gender or a word the glossary rules out."""
    banned = [(w, re.compile(rf"(?<!\w){re.escape(w)}(?!\w)", re.IGNORECASE))
              for w in glossary_banned_words()]
    problems = []
    for msgid, msgstr in _catalog_strings(path):
        text = re.sub(r"<[^>]+>|%\([^)]+\)[sdf]|\{\w*\}", " ", msgstr)  # placeholders and HTML
        if match := TU_RE.search(text):
            problems.append(f"tú form {match.group(0).strip()!r}: {msgid!r} -> {msgstr!r}")
        if match := SLASH_RE.search(text):
            problems.append(f"slash form {match.group(0)!r}: {msgid!r} -> {msgstr!r}")
        problems.extend(f"glossary says not {word!r}: {msgid!r} -> {msgstr!r}"
                        for word, rx in banned if rx.search(text))
    return problems


def test_glossary_lists_words_not_to_use():
    """Is the glossary's "No usar" column read (so the test below checks something)?"""
    words = glossary_banned_words()
    assert "mentor/a" in words and "certificado de asistencia" in words


@pytest.mark.parametrize("text", [
    "Elige un distrito", "Espera unos minutos e inténtalo de nuevo.", "Tu cuenta no tiene acceso.",
    "Si necesitas una, pídesela.", "Nunca compartas estos datos.", "Cerraste sesión.",
    "Guardado. Ya puedes iniciar sesión.", "No se guardó; vuelve atrás, recarga la página.",
    "Al guardar recibirás un enlace.",
])
def test_tu_forms_are_recognised(text):
    """Would a tú string be caught?"""
    assert TU_RE.search(text)


@pytest.mark.parametrize("text", [
    "Este estudiante", "Elija una sede", "Su cuenta ve datos de niñas, niños y adolescentes.",
    "Si vuelve a ocurrir, avise a la coordinación.",
    "La persona mentoreada volvió a la lista de espera.",
    "Esta es la única vez que se muestran.", "Inténtelo de nuevo.", "Estudiantes", "Tema: turismo",
])
def test_usted_and_plain_words_pass(text):
    """Are usted strings and words that merely contain "tu" or "te" left alone?"""
    assert not TU_RE.search(text)


@pytest.mark.parametrize("text", [
    "al/a la mentor/a", "Coordinador/a", "el/la joven", "del/de la ponente", "un/a menor",
    "Mentoreados/as", "alumno(a)", "niñ@s",
])
def test_slash_forms_are_recognised(text):
    """Would a slash or bracket form of gender be caught?"""
    assert SLASH_RE.search(text)


def test_dates_and_separators_are_not_slash_forms():
    """Are dates and " / " between two labels left alone?"""
    assert not SLASH_RE.search("dd/mm/aaaa, «Desde URL» / «Suscribirse desde la web», 4.º (sec.)")


def test_spanish_catalog_speaks_with_one_voice():
    """Is every Spanish string in usted, without slash forms, in the glossary's terms?"""
    problems = voice_problems()
    assert not problems, f"{len(problems)} strings to rewrite:\n" + "\n".join(problems)
