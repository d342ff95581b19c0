"""Surveys on paper: the printable sheets, and typing them in as staff (any day after, the
same checks as online, saved as from paper, counted in the results)."""
import io
import re
import time

import pypdf
import pytest
import sqlalchemy as sa

from tests.test_surveys import ITEMS, attach, count, make_questionnaire
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.surveys import paper, results
from youthagainstguns.surveys.forms import PAPER_COPIES_MAX
from youthagainstguns.surveys.models import (
    ResponseSource,
    SurveyAnswer,
    SurveyPhase,
    SurveyResponse,
)
from youthagainstguns.timeutil import to_lima

TITLE, VENUE, ALIAS = "Decisiones que salvan vidas", "I.E. Zqxvenue", "Zqxalias"


@pytest.fixture
def survey(db, make):
    """A "before" survey of a workshop held three days ago: its link closed long since."""
    workshop = make.held_workshop(venue=make.school(name=VENUE), title=TITLE,
                                  speakers=[make.speaker(alias=ALIAS)], guardians_informed=True)
    return attach(db, workshop, make_questionnaire(db), SurveyPhase.BEFORE)


@pytest.fixture
def staff(login_as):
    return login_as(Role.COORDINATOR)


def entry_url(survey, query="") -> str:
    return f"/surveys/{survey.id}/paper-entry{query}"


def hidden_fields(client, survey) -> dict:
    """Return the entry page's CSRF token and wording stamp."""
    html = client.get(entry_url(survey)).get_data(as_text=True)
    return dict(re.findall(r'name="(csrf_token|wording)" type="hidden" value="([^"]+)"', html))


def sheet(survey, n=1, scale="4", yes_no="1", text="Que hay salida.", code=("m", "7", "4")):
    """Return a typed-in sheet: its number, the code's three parts and the three answers."""
    scale_item, yes_no_item, text_item = survey.version.items
    letter, day, digit = code
    return {"sheet": str(n), "mother_initial": letter, "birth_day": day, "phone_digit": digit,
            f"i{scale_item.id}": scale, f"i{yes_no_item.id}": yes_no, f"i{text_item.id}": text}


def post(client, survey, data, hidden=None):
    return client.post(entry_url(survey), data={**(hidden or hidden_fields(client, survey)),
                                                **data})


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.data)).pages]


def flat(text: str) -> str:
    """Return the text with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


# The sheets --------------------------------------------------------------------------------

def test_the_pdf_has_a_numbered_sheet_per_copy_with_every_item(client, survey, staff):
    """Does the PDF hold one page per copy asked for, each with the title, the day, every
    item in Spanish, the code's questions and its own sheet number, and no name of a person,
    school or speaker?"""
    pages = pdf_pages(client.get(f"/surveys/{survey.id}/paper.pdf?copies=3"))
    assert len(pages) == 3
    day = to_lima(survey.workshop.starts_at).strftime("%d/%m/%Y")
    for number, text in enumerate(pages, start=1):
        text = flat(text)
        assert TITLE in text and day in text
        for _kind, es, _en in ITEMS:
            assert flat(es) in text
        assert re.search(rf"\b{number}\b", text)
        assert f"Sheet {number}" in text or f"Hoja {number}" in text
        for hidden in (VENUE, ALIAS, "Zqx"):
            assert hidden not in text


def test_the_pdf_comes_in_english_when_asked(client, survey, staff):
    """Does ?lang=en print the English wording instead of the Spanish?"""
    text = flat(pdf_pages(client.get(f"/surveys/{survey.id}/paper.pdf?copies=1&lang=en"))[0])
    assert all(flat(en) in text for _kind, _es, en in ITEMS)
    assert flat(ITEMS[0][1]) not in text


def test_by_default_there_is_a_sheet_per_student_on_the_roster(client, make, survey, staff):
    """Without `copies`, is there one sheet per student on the roster, with no student's
    name on any?"""
    entries = make.roster(survey.workshop, 4)
    pages = pdf_pages(client.get(f"/surveys/{survey.id}/paper.pdf"))
    assert len(pages) == 4
    for entry in entries:
        assert all(entry.student.first_name not in page for page in pages)


def test_the_number_of_copies_stays_within_bounds(db, make):
    """Is the number of sheets kept within 1 and the maximum, the capacity standing in for
    an empty roster?"""
    workshop = make.workshop(capacity=35)
    assert paper.default_copies(workshop) == 35
    workshop.capacity = 900
    assert paper.default_copies(workshop) == PAPER_COPIES_MAX
    assert [paper.clamp_copies(n) for n in (-3, 0, 1, 7, 10_000)] == [1, 1, 1, 7,
                                                                       PAPER_COPIES_MAX]


def test_a_whole_class_prints_quickly_and_a_copy_count_is_bounded(client, survey, staff):
    """Do 200 sheets come out in a few seconds (the sheet is laid out once), and is a count
    over the maximum brought down to it?"""
    started = time.monotonic()
    response = client.get(f"/surveys/{survey.id}/paper.pdf?copies=5000")
    assert time.monotonic() - started < 10
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == PAPER_COPIES_MAX
    assert "Sheet 200" in reader.pages[-1].extract_text().replace("Hoja", "Sheet")


def test_a_long_questionnaire_keeps_its_sheet_number_on_every_page(client, db, make, staff):
    """When a sheet takes two pages, do both carry its number, and do the copies follow one
    another sheet by sheet?"""
    items = [ITEMS[0]] * 18 + [ITEMS[2]]
    workshop = make.held_workshop(guardians_informed=True)
    long_survey = attach(db, workshop, make_questionnaire(db, items=items))
    pages = pdf_pages(client.get(f"/surveys/{long_survey.id}/paper.pdf?copies=2"))
    assert len(pages) == 4
    numbers = [re.search(r"(?:Sheet|Hoja) (\d+)\s*$", flat(page)).group(1) for page in pages]
    assert numbers == ["1", "1", "2", "2"]
    assert "19." in flat(pages[1]) and "19." in flat(pages[3])


# Typing sheets in --------------------------------------------------------------------------

def test_a_typed_in_sheet_is_saved_as_from_paper_and_the_next_is_proposed(
        client, db, survey, staff):
    """Is a typed-in sheet saved as one paper response, with its code, dated the workshop's
    day although its link closed days ago, audited by ids only, and is the next sheet number
    proposed on an empty form?"""
    response = post(client, survey, sheet(survey, n=7))
    assert response.status_code == 302
    saved = db.session.scalar(sa.select(SurveyResponse))
    assert response.headers["Location"].endswith(
        entry_url(survey, f"?sheet=8&saved={saved.id}&saved_sheet=7"))
    assert (saved.source, saved.code, saved.survey_id) == (ResponseSource.PAPER, "M074",
                                                            survey.id)
    assert saved.answered_on == to_lima(survey.workshop.starts_at).date()
    scale, yes_no, text = survey.version.items
    assert sorted((a.item_id, a.value, a.text) for a in saved.answers) == [
        (scale.id, 4, None), (yes_no.id, 1, None), (text.id, None, "Que hay salida.")]
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "survey.paper_entry"))
    assert (event.object_type, event.object_id, event.actor_id) == (
        "Workshop", survey.workshop_id, staff.id)
    assert event.summary == f"before: survey {survey.id}, response {saved.id}"
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert "7" in re.search(r'class="flash[^"]*"[^>]*>([^<]*)<', html).group(1)
    assert re.search(r'name="sheet"[^>]*value="8"', html)
    assert 'data-entered="1"' in html
    assert "Que hay salida." not in html and 'value="4"' not in html


def test_a_sheet_just_saved_can_be_taken_back_to_type_it_in_again(client, db, survey, staff):
    """After saving sheet 7, does the page offer to take sheet 7 back, and does that remove
    the response and its answers, audited, and propose sheet 7 again?"""
    page = client.get(post(client, survey, sheet(survey, n=7)).headers["Location"])
    saved = db.session.scalar(sa.select(SurveyResponse.id))
    undo = f"/surveys/{survey.id}/paper-entry/{saved}/remove?sheet=7"
    assert f'action="{undo.replace("&", "&amp;")}"' in page.get_data(as_text=True)
    token = hidden_fields(client, survey)["csrf_token"]
    response = client.post(undo, data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(entry_url(survey, "?sheet=7"))
    assert count(db, SurveyResponse) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == 0
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "survey.paper_entry_removed"))
    assert (event.actor_id, event.summary) == (staff.id,
                                               f"before: survey {survey.id}, response {saved}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'name="sheet"[^>]*value="7"', html) and "paper-undo" not in html


def test_a_students_own_answer_or_another_surveys_sheet_cannot_be_taken_back(
        client, db, make, survey, staff):
    """Is taking back an online answer, or a sheet of another survey, a 404 that removes
    nothing?"""
    online = SurveyResponse(survey=survey, answered_on=to_lima(survey.workshop.starts_at).date(),
                            source=ResponseSource.WEB)
    other = attach(db, make.held_workshop(guardians_informed=True), make_questionnaire(db),
                   SurveyPhase.AFTER)
    elsewhere = SurveyResponse(survey=other, answered_on=online.answered_on,
                               source=ResponseSource.PAPER)
    db.session.add_all([online, elsewhere])
    db.session.commit()
    token = hidden_fields(client, survey)["csrf_token"]
    for response_id in (online.id, elsewhere.id):
        answer = client.post(f"/surveys/{survey.id}/paper-entry/{response_id}/remove",
                             data={"csrf_token": token})
        assert answer.status_code == 404
    assert count(db, SurveyResponse) == 2


def test_a_sheet_without_a_code_or_with_some_answers_left_out_is_saved(client, db, survey,
                                                                        staff):
    """Is a sheet with no code and only the yes/no answered saved with just that answer?"""
    response = post(client, survey, sheet(survey, scale="", yes_no="0", text="",
                                          code=("", "", "")))
    assert response.status_code == 302
    saved = db.session.scalar(sa.select(SurveyResponse))
    assert saved.code is None
    assert [(a.item_id, a.value) for a in saved.answers] == [(survey.version.items[1].id, 0)]


def test_paper_sheets_count_in_the_results(client, db, survey, staff):
    """Do five typed-in sheets make the workshop's results, counted like online answers?"""
    hidden = hidden_fields(client, survey)
    for n, value in enumerate("12345", start=1):
        assert post(client, survey, sheet(survey, n=n, scale=value, code=(
            "ABCDE"[n - 1], str(n), "0")), hidden).status_code == 302
    found = results.workshop_results(survey.workshop)
    assert found.responses == {SurveyPhase.BEFORE: 5} and found.enough_responses
    assert found.questions[0].distribution == {SurveyPhase.BEFORE: {1: 1, 2: 1, 3: 1, 4: 1,
                                                                     5: 1}}
    page = client.get(entry_url(survey)).get_data(as_text=True)
    assert 'data-entered="5"' in page


@pytest.mark.parametrize(("change", "field"), [
    ({"scale": "7"}, "scale"),
    ({"scale": "x"}, "scale"),
    ({"yes_no": "2"}, "yes_no"),
    ({"code": ("m", "", "4")}, "code"),
    ({"code": ("m", "32", "4")}, "birth_day"),
    ({"n": ""}, "sheet"),
    ({"n": "0"}, "sheet"),
    ({"text": "x" * 301}, "text"),
])
def test_a_wrong_entry_is_marked_next_to_its_field_and_nothing_is_saved(
        client, db, survey, staff, change, field):
    """Is a wrong value refused with 422, its message next to its field, what was typed kept
    for correcting it, and nothing saved?"""
    response = post(client, survey, sheet(survey, **change))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    scale, yes_no, text = survey.version.items
    ids = {"scale": f"i{scale.id}", "yes_no": f"i{yes_no.id}", "text": f"i{text.id}",
           "birth_day": "birth_day", "sheet": "sheet"}
    if field == "code":
        assert re.search(r'<fieldset class="paper-code">\s*<legend>[^<]*</legend>\s*'
                         r'<small class="field-error"', html)
    else:
        assert f'id="{ids[field]}-error"' in html
        assert re.search(rf'id="{ids[field]}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*'
                         rf'id="{ids[field]}"', html)
    if field in ("scale", "yes_no"):
        typed = change[field]
        assert re.search(rf'name="{ids[field]}"[^>]*value="{typed}"|value="{typed}"[^>]*'
                         rf'name="{ids[field]}"', html)
    assert count(db, SurveyResponse) == 0
    assert not db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "survey.paper_entry"))


def test_a_blank_sheet_is_refused(client, db, survey, staff):
    """Is a sheet with nothing answered refused rather than saved empty?"""
    response = post(client, survey, sheet(survey, scale="", yes_no="", text="",
                                          code=("", "", "")))
    assert response.status_code == 422
    assert count(db, SurveyResponse) == 0


def test_a_sheet_typed_against_changed_wording_is_refused(client, db, survey, staff):
    """If the questions changed after the entry page was opened, is the sheet refused to be
    checked again?"""
    hidden = hidden_fields(client, survey)
    survey.version.items[0].text_es = "Otra pregunta."
    db.session.commit()
    assert post(client, survey, sheet(survey), hidden).status_code == 422
    assert count(db, SurveyResponse) == 0


def test_without_guardians_informed_no_sheet_is_printed_or_typed_in(client, db, survey,
                                                                      staff):
    """When the school has not confirmed the guardians were informed, are the sheets not
    printed (back to the surveys page), and the entry page and its form refused (409),
    nothing saved?"""
    hidden = hidden_fields(client, survey)
    survey.workshop.guardians_informed = False
    db.session.commit()
    printed = client.get(f"/surveys/{survey.id}/paper.pdf")
    assert printed.status_code == 302
    assert printed.headers["Location"].endswith(f"/workshops/{survey.workshop_id}/surveys")
    page = client.get(entry_url(survey))
    assert page.status_code == 409 and "data-refusal" in page.get_data(as_text=True)
    assert '<form method="post" action="/surveys' not in page.get_data(as_text=True)
    assert post(client, survey, sheet(survey), hidden).status_code == 409
    assert count(db, SurveyResponse) == 0


@pytest.mark.parametrize("role", [Role.SCHOOL, Role.SPEAKER, Role.MENTOR])
def test_only_staff_print_and_type_in_sheets(client, db, survey, login_as, auth, make, role):
    """Are a school contact, a speaker and a mentor refused the sheets and the entry page
    (403), and is a sheet posted by them not saved? Is anyone logged out sent to log in?"""
    login_as(Role.COORDINATOR)
    staff_hidden = hidden_fields(client, survey)
    login_as(role)
    assert client.get(f"/surveys/{survey.id}/paper.pdf").status_code == 403
    assert client.get(entry_url(survey)).status_code == 403
    token = auth.csrf_token("/account/password")
    response = client.post(entry_url(survey), data={
        **sheet(survey), "csrf_token": token, "wording": staff_hidden["wording"]})
    assert response.status_code == 403
    client.delete_cookie("session")
    assert client.get(entry_url(survey)).status_code == 302
    assert count(db, SurveyResponse) == 0


def test_the_workshop_surveys_page_links_to_printing_and_typing_in(client, make, survey,
                                                                    staff):
    """Does the workshop's surveys page offer the sheets (one per roster student by default)
    and the entry page of each survey attached?"""
    make.roster(survey.workshop, 6)
    html = client.get(f"/workshops/{survey.workshop_id}/surveys").get_data(as_text=True)
    assert f'action="/surveys/{survey.id}/paper.pdf"' in html
    assert re.search(r'name="copies" value="6"', html)
    assert f'href="/surveys/{survey.id}/paper-entry"' in html


def test_the_entry_form_is_typed_through_in_the_sheet_s_order(client, survey, staff):
    """Are the fields in the sheet's order (number, code, items), each choice a one-digit
    numeric box, and is the cursor in the code's first box to begin with?"""
    html = client.get(entry_url(survey)).get_data(as_text=True)
    form = html[html.index('<form method="post" action="/surveys'):]
    scale, yes_no, text = survey.version.items
    names = re.findall(r'<(?:input|textarea)[^>]*name="([^"]+)"', form)
    assert [n for n in names if n not in ("csrf_token", "wording")] == [
        "sheet", "mother_initial", "birth_day", "phone_digit", f"i{scale.id}", f"i{yes_no.id}",
        f"i{text.id}"]
    for item in (scale, yes_no):
        box = re.search(rf'<input[^>]*name="i{item.id}"[^>]*>', form).group(0)
        assert 'inputmode="numeric"' in box and 'maxlength="1"' in box
        assert 'type="text"' in box
    assert re.search(r'<input[^>]*autofocus[^>]*name="mother_initial"|'
                     r'<input[^>]*name="mother_initial"[^>]*autofocus', form)
    assert 'type="radio"' not in form
