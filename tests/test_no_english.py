"""No English in the Spanish interface: every page, PDF, CSV header and download name that each
role can open is read as a Spanish speaker gets it, and no common English word may be in it
outside the data the test world planted."""
import io
import re
from html.parser import HTMLParser

import pytest
from flask import url_for
from pypdf import PdfReader

from tests.access import ROLES
from tests.access.world import build_world, routes, url_for_rule
from youthagainstguns.certificates.models import Certificate
from youthagainstguns.extensions import db
from youthagainstguns.timeutil import today_lima

# Common English words that are not also Spanish words, so that finding one in the Spanish
# interface means a string escaped translation. Spanish homographs ("no", "a", "total",
# "final", "general", "error", "mentor", "local", "sin", "con", "he", "me", and "may", May's
# abbreviation in a chart) are left out: they would fail on correct Spanish.
ENGLISH_WORDS = frozenset("""
    the and of or to for with from by at on in is are was be been not this that these those
    your you our we they it its there here all any none yes some every each new old
    school schools code codes workshop workshops student students speaker speakers
    certificate certificates date dates name names status actions action edit delete save
    cancel search filter filters download downloads attendance report reports audit user
    users event events details detail record records type number when who what where which
    page pages next previous back show hide open opened closed close created changed
    updated removed added issued revoked view list role rows row marks left password
    login logged logout failed link links account accounts held scheduled draft
    cancelled present absent late excused venue venues district districts grade section
    title topic capacity hours minutes so far match matches mentee mentees consent
    guardian session sessions alert alerts board feed calendar month week today tomorrow
    yesterday time day days year years first last person people anyone anything nothing
    system clear submit send sent queued sending retry file files sheet roster rosters
    export exported import imported pack only more less than about help settings
    home sign step recovery form suggested mentors period blackout check unknown
    vetting kind rule one two has have will can must should please click
""".split())

# English that is a name, not the interface, masked before the words are read; each with why.
ALLOWED_PHRASES = (
    "Youth Against Guns",  # the campaign's own name
    "Google Calendar",  # the product the calendar page tells people to subscribe in
)

# A number written with an English decimal point ("4.0 hasta ahora"): Spanish writes 4,5. Dates
# (dd/mm/yyyy), times (10:00) and addresses (127.0.0.1) do not match.
RAW_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")

# Emails, addresses, file paths and certificate codes are data, not words of the interface
# (the world's accounts are role123@example.org; links show the site's own address; the outbox
# names its folder; a random code "ABCD-EFBY-..." may spell "by").
DATA_PATTERNS = re.compile("|".join([
    r"[\w.+-]+@[\w.-]+", r"(?:https?|webcal)://\S+", r"(?:/[\w.-]+){2,}",
    r"\b[A-Z2-7]{4}(?:-[A-Z2-7]{4})+\b",
    # The two-step key typed into a phone app, shown in groups ("ABCD EFGH … AT"): random
    # letters that can spell "at" or "is".
    r"\b[A-Z2-7]{1,4}(?: [A-Z2-7]{1,4}){5,}\b", *map(re.escape, ALLOWED_PHRASES)]))

# Attributes a person reads or hears; every other attribute (class, href, name, id, data-*)
# is machinery.
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
BUTTON_INPUTS = {"submit", "button", "reset"}


class _VisibleText(HTMLParser):
    """Collect the text a person sees or hears on a page: text nodes outside scripts and
    styles, and the attributes that are read out or shown."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        values = dict(attrs)
        self.parts += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]
        if tag == "input" and values.get("type") in BUTTON_INPUTS and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def _download_name(response) -> str:
    """The file name a download is saved under, its extension dropped (pdf, csv are names)."""
    found = re.search(r'filename="?([^";]+)', response.headers.get("Content-Disposition", ""))
    return found.group(1).rsplit(".", 1)[0] if found else ""


def _text(response) -> str:
    """What a Spanish speaker reads in a response: a page's visible text, a PDF read back, a
    CSV's header line, and the name of the file it is saved as. JSON (the option lists and
    the data-subject export) is a machine format, and a spreadsheet's cells are data: neither is
    read here."""
    name = _download_name(response)
    if response.mimetype == "application/pdf":
        reader = PdfReader(io.BytesIO(response.data))
        return " ".join([name, *(page.extract_text() or "" for page in reader.pages)])
    if not response.mimetype.startswith("text/"):
        return name
    body = response.get_data(as_text=True)
    if response.mimetype == "text/html":
        return f"{name} {_html_text(body)}"
    if response.mimetype == "text/csv":
        return f"{name} {body.lstrip(chr(0xfeff)).splitlines()[0] if body else ''}"
    if response.mimetype == "text/calendar":
        shown = re.findall(r"^(?:SUMMARY|DESCRIPTION|LOCATION|X-WR-CALNAME)[^:]*:(.*)$", body,
                           re.MULTILINE)
        return " ".join([name, *shown])
    return name


def english_words(text: str) -> list[str]:
    """Return the English words and English-written numbers in `text`, in order, once each."""
    text = DATA_PATTERNS.sub(" ", text)
    words = re.findall(r"[^\W\d_]+", text.lower())
    return list(dict.fromkeys([*(w for w in words if w in ENGLISH_WORDS),
                               *RAW_DECIMAL.findall(text)]))


def _plant(app, make, world) -> list[str]:
    """Add what the access world lacks for every text to show, and return the URLs that need
    it: a school code on the reports, a mentor part-way through training (1.5 hours), the
    certificate pack and the period report of the world's school."""
    world["_school"].official_code = "0123456"
    mentor = make.mentor(steps=("interview", "references", "check", "training"), hours="1.5")
    workshop_id = db.session.get(Certificate, world["certificate_id"]).workshop_id
    today = today_lima()
    period = {"school_id": world["_school"].id, "start": today.replace(year=today.year - 1),
              "end": today}
    db.session.commit()
    with app.test_request_context():
        return [url_for("mentoring.mentor_detail", mentor_id=mentor.id),
                url_for("certificates.pack", workshop_id=workshop_id),
                url_for("reports.workshop_pdf", workshop_id=workshop_id),
                *(url_for(endpoint, **period) for endpoint in
                  ("reports.index", "reports.attendance_pdf", "reports.attendance_csv"))]


def _crawl(app, client, world, extra: list[str]) -> dict[str, list[str]]:
    """Fetch every GET route, and the extra URLs, as the logged-in client; return
    {URL: English words found}."""
    urls = [url_for_rule(app, rule, world) for endpoint, rule, method in routes(app)
            if method == "GET" and endpoint not in {"auth.logout", "static"}]
    found = {}
    for url in urls + extra:
        response = client.get(url)
        if response.status_code == 200 and (words := english_words(_text(response))):
            found[url] = words
    return found


def test_the_word_check_sees_english_and_lets_spanish_through():
    """Control: does the check find English in text, attributes and file names, and keep quiet
    on Spanish, on hidden markup and on emails?"""
    html = ('<p title="Edit">Guardar <code>x</code></p><script>var save = 1;</script>'
            '<a class="delete" href="/delete">coordinator1@example.org no ABCD-EFBY-IS23</a>'
            '<input type="submit" value="Search">')
    assert english_words(_html_text(html)) == ["edit", "search"]
    assert english_words("Taller de prevención: sí, no, total; 4,5 h el 01/12/2026") == []
    assert english_words("4.0 hasta ahora") == ["4.0"]
    assert english_words("Escriba esta clave: ABCD EFGH IJKL MNOP QRST UVWX YZ23 45AT") == []


@pytest.mark.parametrize("role", ROLES)
def test_no_english_word_on_any_page_in_spanish(app, make, auth, client, role):
    """Does any page, PDF, CSV or download name a role opens in Spanish hold English words?"""
    world, users = build_world(make)
    extra = _plant(app, make, world)
    if role != "anonymous":
        assert auth.login(users[role].email).status_code == 302
    found = _crawl(app, client, world, extra)
    assert not found, f"{role} reads English: {found}"
