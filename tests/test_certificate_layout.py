"""Certificates: names up to the 200 characters the database allows, the longest titles,
venues and speaker lists all stay on the page, in packs and in single downloads."""
import io

import pdfplumber
import pytest
import sqlalchemy as sa

from youthagainstguns.auth.models import Role
from youthagainstguns.certificates import documents
from youthagainstguns.certificates.models import Certificate
from youthagainstguns.schools.models import School
from youthagainstguns.speakers.models import Speaker
from youthagainstguns.workshops.models import AttendanceStatus, Student, Workshop

MM = 72 / 25.4
NAME_COLOUR = tuple(round(c, 3) for c in documents.NAME_COLOUR)
NAME_TOP = 66  # mm: the lead line ("Se certifica que") ends above
WORDS = ("María", "Ñusta", "Guadalupe", "del", "Rosario", "Quispe", "Huamán", "Peñaloza",
         "Ayllón", "Mamani", "Cóndor", "Villanueva", "Ccahuana", "Santa", "Cruz")


def _words(length: int) -> str:
    """Return accented, space-separated name words exactly `length` characters long."""
    text, i = "", 0
    while len(text) < length:
        text = f"{text} {WORDS[i % len(WORDS)]}".strip()
        i += 1
    return text[:length].rstrip() + "z" * (length - len(text[:length].rstrip()))


def _column(column) -> int:
    """The model's length of a column, so that the test follows a schema change."""
    return column.type.length


LONGEST_NAME = (_words(_column(Student.first_name)), _words(_column(Student.last_names) - 1))
UNBROKEN = ("Ñ" + "quispehuamánpeñaloza" * 3)[:60]
# The longest, a short one, one with a 60-letter word, and names of 95 and 150 characters.
NAMES = [LONGEST_NAME, ("Ana", "Quispe Mamani"), ("Wenceslao", UNBROKEN),
         (_words(40), _words(54)), (_words(70), _words(79))]


def _name(first: str, last: str) -> str:
    return f"{first} {last}"


@pytest.fixture
def long_workshop(make):
    """A held workshop whose title, venue, district and speaker aliases have their maximum
    length, with one present student per name in NAMES."""
    school = make.school(name=_words(_column(School.name)), district=_words(60))
    speakers = [make.speaker(alias=_words(_column(Speaker.alias) - 1) + str(i))
                for i in range(3)]
    workshop = make.held_workshop(venue=school, speakers=speakers,
                                  title=_words(_column(Workshop.title)))
    students = [make.student(school, first_name=first, last_names=last) for first, last in NAMES]
    make.enrol(workshop, [(s, AttendanceStatus.PRESENT) for s in students])
    return workshop, students


def _issue(client, auth, workshop):
    token = auth.csrf_token(f"/workshops/{workshop.id}/certificates")
    client.post(f"/workshops/{workshop.id}/certificates/issue",
                data={"csrf_token": token, "language": "es"})


def _holder(page) -> list[dict]:
    """The name's glyphs: in its colour, below the lead line and above the rule (the brand
    name at the top shares the colour)."""
    return [c for c in page.chars if NAME_TOP * MM < c["top"]
            and c["bottom"] < documents.SLOTS["rule_y"] * MM
            and tuple(round(v, 3) for v in c["non_stroking_color"] or ()) == NAME_COLOUR]


def _check_page(page, name: str, last_speaker: str) -> None:
    """Does every glyph stay in its place, the body above the verification block, and does
    the name read back whole?"""
    width = documents.SLOTS["name_width"] * MM
    left, right = (page.width - width) / 2 - 0.5, (page.width + width) / 2 + 0.5
    holder = _holder(page)
    assert holder, "no name found"
    assert all(left <= c["x0"] and c["x1"] <= right for c in holder), name
    lines: dict[float, list] = {}
    for char in holder:
        lines.setdefault(round(char["bottom"], 1), []).append(char)
    assert len(lines) <= 2, (name, len(lines))
    read = ["".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"]))
            for _bottom, chars in sorted(lines.items())]
    assert " ".join(read).replace("  ", " ") == name or "".join(read) == name, read
    # The rest: inside the inner frame, and the body above the verification block.
    frame = 12 * MM
    assert all(frame <= c["x0"] and c["x1"] <= page.width - frame
               and frame <= c["top"] and c["bottom"] <= page.height - frame for c in page.chars)
    body = page.within_bbox((0, documents.SLOTS["rule_y"] * MM, page.width,
                             documents.SLOTS["label_top"] * MM))
    margin = (page.width - documents.SLOTS["body_width"] * MM) / 2 - 0.5
    assert all(margin <= c["x0"] and c["x1"] <= page.width - margin for c in body.chars)
    # The speakers' line is the body's last: whole above the verification block.
    assert "".join(last_speaker.split()) in "".join(body.extract_text().split())


def test_longest_names_titles_and_venues_stay_on_the_pack_pages(long_workshop, db, client, auth,
                                                                login_as):
    """Does a pack keep a 200-character name, a 60-letter unbroken word and the longest title,
    venue and speaker list inside the margins, the name whole on at most two lines?"""
    workshop, students = long_workshop
    assert len(_name(*LONGEST_NAME)) == 200
    login_as(Role.COORDINATOR)
    _issue(client, auth, workshop)
    response = client.get(f"/workshops/{workshop.id}/certificates.pdf")
    assert response.status_code == 200
    with pdfplumber.open(io.BytesIO(response.data)) as pdf:
        # The students' pages, then one per speaker.
        assert len(pdf.pages) == len(NAMES) + len(workshop.speakers)
        for page, student in zip(pdf.pages[:len(NAMES)], students, strict=True):
            _check_page(page, student.full_name, workshop.speakers[-1].alias)


def test_single_download_lays_out_long_names_as_the_pack_does(long_workshop, db, client, auth,
                                                              login_as):
    """Does the plain WeasyPrint render wrap and shrink names exactly as the pack stamps them?"""
    workshop, students = long_workshop
    login_as(Role.COORDINATOR)
    _issue(client, auth, workshop)
    pack = client.get(f"/workshops/{workshop.id}/certificates.pdf").data
    certificates = {c.student_id: c for c in db.session.scalars(sa.select(Certificate).where(
        Certificate.workshop_id == workshop.id))}
    with pdfplumber.open(io.BytesIO(pack)) as packed:
        for page, student in zip(packed.pages[:len(students)], students, strict=True):
            body = client.get(f"/certificates/{certificates[student.id].id}.pdf").data
            with pdfplumber.open(io.BytesIO(body)) as single:
                _check_page(single.pages[0], student.full_name, workshop.speakers[-1].alias)
                assert _name_boxes(single.pages[0]) == pytest.approx(_name_boxes(page), abs=1.5)


def _name_boxes(page) -> list[float]:
    """Where the name's lines start, end and sit, rounded: one number per line edge."""
    holder = _holder(page)
    lines: dict[float, list] = {}
    for char in holder:
        lines.setdefault(round(char["bottom"]), []).append(char)
    return [v for bottom, chars in sorted(lines.items())
            for v in (min(c["x0"] for c in chars), max(c["x1"] for c in chars), bottom)]


@pytest.mark.parametrize("name, lines", [
    ("Ana Quispe Mamani", 1),
    (_name(_words(40), _words(54)), 2),
    ("Ñ" + "quispehuamánpeñaloza" * 3, 2),
    (_name(*LONGEST_NAME), 2),
    ("W" * 200, 4),
])
def test_name_lines_fit_the_slot(app, name, lines):
    """Are names split into the fewest lines at the largest size that fits, breaking inside a
    word only when it has no space, never below the floor?"""
    from youthagainstguns import pdf_fast

    with app.app_context():
        layout = documents.name_lines(name)
        width = pdf_fast.points(documents.SLOTS["name_width"])
        assert len(layout.lines) == lines
        assert documents.SLOTS["name_min_pt"] <= layout.size <= documents.SLOTS["name_pt"]
        assert all(pdf_fast.text_width(line, pdf_fast.BOLD, layout.size) <= width
                   for line in layout.lines)
        assert "".join(layout.lines).replace(" ", "") == name.replace(" ", "")
