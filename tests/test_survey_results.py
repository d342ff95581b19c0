"""Survey results: distributions, the paired and unpaired change against hand-computed
figures, which items are compared, the 5-answer rule on the page and in the CSV, free text
(escaped, coordinators only), access per role, and bounded queries."""
import csv
import io
import math
import re
from dataclasses import astuple
from datetime import date, timedelta
from urllib.parse import urlencode

import pdfplumber
import pytest

from tests.test_surveys import ITEMS, attach, make_questionnaire
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.surveys import results, services, stats
from youthagainstguns.surveys.models import (
    QuestionnaireVersion,
    SurveyItem,
    SurveyPhase,
)
from youthagainstguns.timeutil import today_lima

DAY = date(2026, 11, 26)
SCRIPT = "<script>alert(1)</script>"
# (code, scale, yes/no) per response. Five students are paired (P1…P5); two students
# picked the same code "D" before, so neither pairs with the one "D" after.
BEFORE = [("P1", 2, 1), ("P2", 3, 1), ("P3", 1, 0), ("P4", 4, 0), ("P5", 2, 1),
          ("D", 5, 0), ("D", 3, 0)]
AFTER = [("P1", 4, 1), ("P2", 4, 1), ("P3", 3, 1), ("P4", 4, 1), ("P5", 5, 1), ("D", 1, 0)]
CODES = {"P1": "A011", "P2": "B022", "P3": "C033", "P4": "D044", "P5": "E055", "D": "F066"}


def answer_all(db, survey, rows, text=lambda n: f"Aprendí la idea {n}."):
    """Save one response per (code, scale, yes/no) row, each with a free text."""
    scale, yes_no, free = survey.version.items
    for n, (code, value, yes) in enumerate(rows, start=1):
        services.save_response(survey, CODES.get(code, code), {scale.id: value, yes_no.id: yes,
                                                     free.id: text(n)}, answered_on=DAY)
    db.session.commit()


@pytest.fixture
def world(db, make):
    """A workshop at a school, given by a speaker, asked the same questionnaire before
    (7 responses) and after (6), 5 students paired by code."""
    school, speaker = make.school(name="I.E. Resultados"), make.speaker()
    workshop = make.workshop(venue=school, speakers=[speaker], title="Taller con encuesta")
    questionnaire = make_questionnaire(db)
    before = attach(db, workshop, questionnaire, SurveyPhase.BEFORE)
    after = attach(db, workshop, questionnaire, SurveyPhase.AFTER)
    answer_all(db, before, BEFORE, text=lambda n: SCRIPT if n == 1 else f"Antes idea {n}.")
    answer_all(db, after, AFTER)
    return dict(workshop=workshop, school=school, speaker=speaker, before=before, after=after)


def page(client, workshop):
    return client.get(f"/workshops/{workshop.id}/surveys/results")


def csv_of(client, workshop, query=""):
    response = client.get(f"/workshops/{workshop.id}/surveys/results.csv{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


# The figures -------------------------------------------------------------------------------

def test_distributions_and_counts_are_the_answers_counted(db, world):
    """Are responses and answers counted per phase, and each value's answers per phase?"""
    found = results.workshop_results(world["workshop"])
    assert found.responses == {SurveyPhase.BEFORE: 7, SurveyPhase.AFTER: 6}
    scale, yes_no, text = found.questions
    assert scale.answers == {SurveyPhase.BEFORE: 7, SurveyPhase.AFTER: 6}
    assert scale.distribution == {SurveyPhase.BEFORE: {1: 1, 2: 2, 3: 2, 4: 1, 5: 1},
                                  SurveyPhase.AFTER: {1: 1, 2: 0, 3: 1, 4: 3, 5: 1}}
    assert yes_no.distribution == {SurveyPhase.BEFORE: {0: 4, 1: 3},
                                   SurveyPhase.AFTER: {0: 1, 1: 5}}
    assert text.distribution is None and text.paired is None and text.texts is None


def test_the_paired_change_is_the_mean_difference_of_the_students_paired_by_code(db, world):
    """Is the paired change worked out on P1…P5 only (the shared code "D" pairs nobody):
    differences 2, 1, 2, 0, 3, mean 1.6, variance 1.3, t(4) = 2.776?"""
    scale, yes_no, _text = results.workshop_results(world["workshop"]).questions
    assert scale.pairs == 5
    margin = 2.776 * math.sqrt(1.3 / 5)
    assert scale.paired == stats.MeanChange(5, 5, pytest.approx(2.4), pytest.approx(4.0),
                                            pytest.approx(1.6), pytest.approx(1.6 - margin),
                                            pytest.approx(1.6 + margin))
    # Yes/no: 1, 1, 0, 0, 1 before and all yes after: the share of yes rises by 0.4.
    assert yes_no.paired.change == pytest.approx(0.4)


def test_the_unpaired_difference_takes_every_answer(db, world):
    """Is the unpaired difference Welch's on all 7 answers before and all 6 after?"""
    scale = results.workshop_results(world["workshop"]).questions[0]
    expected = stats.unpaired_change([2, 3, 1, 4, 2, 5, 3], [4, 4, 3, 4, 5, 1])
    assert astuple(scale.unpaired) == pytest.approx(astuple(expected))
    assert scale.unpaired.change == pytest.approx(21 / 6 - 20 / 7)


def test_a_new_version_with_the_same_wording_is_compared_a_changed_item_is_not(db, make):
    """With "before" on version 1 and "after" on version 2 (item 1 kept, item 2 reworded),
    is item 1 one question asked in both phases and item 2 two questions, each asked once?"""
    questionnaire = make_questionnaire(db)
    first = questionnaire.current_version
    second = QuestionnaireVersion(number=2, items=[
        SurveyItem(position=n, kind=kind, text_es=es + (" (nueva)" if n == 2 else ""),
                   text_en=en) for n, (kind, es, en) in enumerate(ITEMS, start=1)])
    questionnaire.versions.append(second)
    db.session.commit()
    workshop = make.workshop()
    before = attach(db, workshop, questionnaire, SurveyPhase.BEFORE)
    before.version = first
    after = attach(db, workshop, questionnaire, SurveyPhase.AFTER)
    assert after.version is second and before.version is first
    db.session.commit()
    answer_all(db, before, BEFORE)
    answer_all(db, after, AFTER)
    found = results.workshop_results(workshop).questions
    assert [(r.question.position, r.phases) for r in found] == [
        (1, (SurveyPhase.BEFORE, SurveyPhase.AFTER)), (2, (SurveyPhase.BEFORE,)),
        (2, (SurveyPhase.AFTER,)), (3, (SurveyPhase.BEFORE, SurveyPhase.AFTER))]
    assert found[0].pairs == 5 and found[0].paired.change == pytest.approx(1.6)
    assert found[1].paired is None and found[1].unpaired is None and found[1].pairs == 0
    assert found[1].distribution == {SurveyPhase.BEFORE: {0: 4, 1: 3}}


# The 5-answer rule -------------------------------------------------------------------------

def test_four_pairs_show_no_paired_change_but_the_distributions(db, make):
    """With only 4 students paired, is the paired change withheld while the distributions
    (7 and 5 answers) and the unpaired difference are shown?"""
    workshop = make.workshop()
    questionnaire = make_questionnaire(db)
    answer_all(db, attach(db, workshop, questionnaire, SurveyPhase.BEFORE), BEFORE)
    answer_all(db, attach(db, workshop, questionnaire, SurveyPhase.AFTER),
               [row for row in AFTER if row[0] != "P5"])
    scale = results.workshop_results(workshop).questions[0]
    assert scale.pairs == 4 and scale.paired is None
    assert scale.distribution is not None and scale.unpaired is not None


def test_four_answers_after_withhold_every_figure_of_the_question(db, make):
    """With 4 answers after, are the question's distribution, unpaired difference and
    paired change all withheld?"""
    workshop = make.workshop()
    questionnaire = make_questionnaire(db)
    answer_all(db, attach(db, workshop, questionnaire, SurveyPhase.BEFORE), BEFORE)
    answer_all(db, attach(db, workshop, questionnaire, SurveyPhase.AFTER), AFTER[:4])
    scale = results.workshop_results(workshop).questions[0]
    assert (scale.distribution, scale.unpaired, scale.paired) == (None, None, None)
    assert scale.answers == {SurveyPhase.BEFORE: 7, SurveyPhase.AFTER: 4}


def test_the_page_says_why_and_shows_no_figures_under_five_answers(db, make, client,
                                                                   login_as):
    """Under 5 answers after, does the page say why and show no distribution, no change and
    no chart, and offer no CSV; and does the CSV hold its header only?"""
    workshop = make.workshop()
    questionnaire = make_questionnaire(db)
    answer_all(db, attach(db, workshop, questionnaire, SurveyPhase.BEFORE), BEFORE)
    answer_all(db, attach(db, workshop, questionnaire, SurveyPhase.AFTER), AFTER[:4])
    login_as(Role.COORDINATOR)
    html = page(client, workshop).get_data(as_text=True)
    assert 'data-withheld="distribution"' in html and 'data-withheld="paired"' in html
    assert "data-distribution" not in html and "data-paired=" not in html
    assert "<svg" not in html and 'data-download="csv"' not in html
    assert 'data-texts="before"' in html and 'data-texts="after"' not in html
    assert csv_of(client, workshop) == [SPANISH_HEADER]
    assert csv_of(client, workshop, "?text=1") == [[*SPANISH_HEADER, "texto"]]


def test_the_page_shows_the_figures_from_five_answers(db, world, client, login_as):
    """With enough answers, does the page show the distribution, the paired change, the
    unpaired difference, the charts and the CSV link, in Spanish number formats?"""
    login_as(Role.COORDINATOR)
    response = page(client, world["workshop"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-responses="before"><span class="stat-n">7' in html
    assert re.search(r'data-count="after-4">3 <span class="muted">\(50\xa0%\)', html)
    assert re.search(r'data-paired="1">1,60 <span class="muted">\(0,18 ', html)
    assert 'data-unpaired="1">0,64' in html and 'data-change="1"' in html
    assert html.count('<svg') == 3  # the means, and the two questions' distributions
    assert 'data-download="csv"' in html and "data-withheld" not in html


# Free text ---------------------------------------------------------------------------------

def test_free_text_is_listed_to_staff_escaped_and_hidden_from_school_and_speaker(
        db, world, client, login_as, auth, make):
    """Do coordinators see every free-text answer, escaped, without codes; and do the
    school's contact and the workshop's speaker see none of them?"""
    login_as(Role.COORDINATOR)
    html = page(client, world["workshop"]).get_data(as_text=True)
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert all(f"Antes idea {n}." in html for n in range(2, 8))
    assert all(f"Aprendí la idea {n}." in html for n in range(1, 7))
    assert not any(code in html for code in CODES.values())
    contact = make.user(Role.SCHOOL, school=world["school"])
    speaker_user = make.user(Role.SPEAKER)
    world["speaker"].user_id = speaker_user.id
    db.session.commit()
    for user in (contact, speaker_user):
        auth.login(user.email)
        html = page(client, world["workshop"]).get_data(as_text=True)
        assert "Antes idea" not in html and "alert(1)" not in html and "Aprendí" not in html
        assert 'data-withheld="text"' in html and 'data-paired="1"' in html
        assert 'data-download="csv"' not in html


# The CSV -----------------------------------------------------------------------------------

# The CSV's columns (results.CSV_COLUMNS) by a name for the test, and as a Spanish reader gets them.
COLUMN_KEYS = ("response", "workshop", "phase", "questionnaire", "version", "position", "kind",
               "value", "answered_on", "pair")
SPANISH_HEADER = ["respuesta", "taller", "momento", "cuestionario", "versión", "pregunta",
                  "tipo de pregunta", "valor", "día de respuesta", "par"]


def test_the_csv_has_one_anonymous_row_per_answer_and_is_audited(db, world, client, login_as):
    """Is there a row per scale and yes/no answer (13 responses × 2), responses numbered
    1…13 (not their ids), the day only, no code, pairs numbered, no free text; is it audited?"""
    login_as(Role.COORDINATOR)
    header, *rows = csv_of(client, world["workshop"])
    assert header == SPANISH_HEADER
    assert len(rows) == 26
    column = {name: n for n, name in enumerate(COLUMN_KEYS)}
    assert sorted({int(row[column["response"]]) for row in rows}) == list(range(1, 14))
    assert {row[column["answered_on"]] for row in rows} == {"2026-11-26"}
    assert {row[column["phase"]] for row in rows[:14]} == {"before"}
    text = "".join(",".join(row) for row in rows)
    assert not any(code in text for code in CODES.values()) and "idea" not in text
    pairs = {}
    for row in rows:
        if row[column["pair"]]:
            pairs.setdefault(row[column["pair"]], set()).add(row[column["response"]])
    assert len(pairs) == 5 and all(len(members) == 2 for members in pairs.values())
    # The first before response is P1 (scale 2), paired with an after response (scale 4).
    p1 = rows[0]
    assert (p1[column["position"]], p1[column["kind"]], p1[column["value"]]) == ("1", "scale",
                                                                                 "2")
    partner = next(row for row in rows[14:] if row[column["pair"]] == p1[column["pair"]]
                   and row[column["position"]] == "1")
    assert partner[column["value"]] == "4"
    event = db.session.query(AuditEvent).filter_by(action="survey.export").one()
    assert event.object_id == world["workshop"].id


def test_the_csv_gives_free_text_only_when_asked(db, world, client, login_as):
    """With ?text=1, are the free-text answers in a last column (13 more rows)?"""
    login_as(Role.COORDINATOR)
    header, *rows = csv_of(client, world["workshop"], "?text=1")
    assert header == [*SPANISH_HEADER, "texto"] and len(rows) == 39
    texts = [row[-1] for row in rows if row[-1]]
    assert len(texts) == 13 and SCRIPT in texts


# Access ------------------------------------------------------------------------------------

def test_each_role_sees_only_the_results_of_its_own_workshops(db, world, client, auth, make):
    """Does a school contact see their school's workshop's results (page and PDF) and not
    another school's, a speaker theirs and not another's, a mentor none, the CSV staff only,
    anonymous a login?"""
    other = make.workshop()
    attach(db, other, make_questionnaire(db, name="Otro"))
    assert page(client, world["workshop"]).status_code == 302
    contact = make.user(Role.SCHOOL, school=world["school"])
    speaker_user = make.user(Role.SPEAKER)
    world["speaker"].user_id = speaker_user.id
    db.session.commit()
    for user in (contact, speaker_user):
        auth.login(user.email)
        assert page(client, world["workshop"]).status_code == 200
        assert page(client, other).status_code == 403
        assert "Taller con encuesta" in pdf_of(
            client, f"/workshops/{world['workshop'].id}/surveys/results.pdf")
        assert client.get(f"/workshops/{other.id}/surveys/results.pdf").status_code == 403
        assert client.get(f"/workshops/{world['workshop'].id}/surveys/results.csv"
                          ).status_code == 403
    auth.login(make.user(Role.MENTOR).email)
    assert page(client, world["workshop"]).status_code == 403
    assert client.get(f"/workshops/{world['workshop'].id}/surveys/results.pdf"
                      ).status_code == 403


# Queries -----------------------------------------------------------------------------------

def test_the_page_and_csv_queries_do_not_grow_with_the_responses(db, world, client,
                                                                 login_as, count_queries):
    """Do the results page, the CSV and the period's page run as many queries with 26
    responses (10 pairs) as with 13 (5 pairs)?"""
    login_as(Role.COORDINATOR)
    workshop = world["workshop"]

    def counted():
        with count_queries() as page_queries:
            assert page(client, workshop).status_code == 200
        with count_queries() as csv_queries:
            csv_of(client, workshop, "?text=1")
        with count_queries() as period_queries:
            assert client.get(period()).status_code == 200
        return page_queries["n"], csv_queries["n"], period_queries["n"]

    counted()  # the first request after logging in reads the session's records
    small = counted()
    # Seven more students, five of them paired: twice the responses and pairs.
    more = [(f"G{n:02d}1", 3, 1) for n in range(1, 6)]
    answer_all(db, world["before"], more + BEFORE[5:])
    answer_all(db, world["after"], more + [("H011", 2, 0)])
    assert counted() == small
    found = results.workshop_results(workshop)
    assert found.responses == {SurveyPhase.BEFORE: 14, SurveyPhase.AFTER: 12}
    assert found.questions[0].pairs == 10


# A period's results: the program's, a school's, a speaker's ------------------------------

def period(**filters) -> str:
    """Return the scope page's URL for the week from today, with `filters`."""
    today = today_lima()
    query = {"start": today.isoformat(), "end": (today + timedelta(days=7)).isoformat()}
    return "/surveys/results?" + urlencode(query | filters)


@pytest.fixture
def program(db, make, world):
    """Besides the world's workshop, one more by its speaker at its school (5 answers after,
    their codes those of the world's paired students) and one elsewhere by someone else."""
    questionnaire = world["before"].version.questionnaire
    again = make.workshop(venue=world["school"], speakers=[world["speaker"]])
    answer_all(db, attach(db, again, questionnaire, SurveyPhase.AFTER), AFTER[:5])
    elsewhere = make.workshop()
    answer_all(db, attach(db, elsewhere, make_questionnaire(db, name="Otra"),
                          SurveyPhase.BEFORE), BEFORE)
    return world | dict(again=again, elsewhere=elsewhere)


def test_a_set_of_workshops_adds_up_and_pairs_students_within_each_workshop(db, program):
    """Over the speaker's two workshops, are answers added up, and do the codes of the
    second workshop's students pair none of the first's (a student pairs within a workshop)?"""
    found = results.scope_results(
        results.Workshop.speakers.any(results.Speaker.id == program["speaker"].id))
    assert found.workshops == 2
    assert found.responses == {SurveyPhase.BEFORE: 7, SurveyPhase.AFTER: 11}
    # The same questionnaire's items are one question however many workshops asked it.
    assert [r.question.position for r in found.questions] == [1, 2, 3]
    scale = found.questions[0]
    assert scale.answers == {SurveyPhase.BEFORE: 7, SurveyPhase.AFTER: 11}
    # Paired across workshops, "P1" … "P5" would be used twice after, and pair nobody.
    assert scale.pairs == 5 and scale.paired.change == pytest.approx(1.6)
    assert found.questions[1].distribution[SurveyPhase.AFTER] == {0: 1, 1: 10}


def test_each_role_sees_the_period_of_its_own_workshops_only(db, program, client, auth,
                                                             make, login_as):
    """Does the program's page count every workshop for staff, and a school contact's and a
    speaker's their own only, the PDF too, titled with their school or alias; does a school
    filter narrow staff's; and are the 5-answer rule and the free text kept (no free text on
    a period's page)?"""
    login_as(Role.COORDINATOR)
    html = client.get(period()).get_data(as_text=True)
    assert 'data-responses="before"><span class="stat-n">14' in html
    assert "Aprendí" not in html and 'data-withheld="text"' in html
    html = client.get(period(school_id=program["school"].id)).get_data(as_text=True)
    assert 'data-responses="before"><span class="stat-n">7' in html
    contact = make.user(Role.SCHOOL, school=program["school"])
    speaker_user = make.user(Role.SPEAKER)
    program["speaker"].user_id = speaker_user.id
    db.session.commit()
    for user in (contact, speaker_user):
        auth.login(user.email)
        # A school or speaker filter in the URL is no way into other workshops.
        html = client.get(period(school_id=make.school().id)).get_data(as_text=True)
        assert 'data-responses="before"><span class="stat-n">7' in html
        assert 'data-responses="after"><span class="stat-n">11' in html
        assert 'name="school_id"' not in html and "Aprendí" not in html
        text = pdf_of(client, period(school_id=make.school().id).replace("results?",
                                                                         "results.pdf?"))
        # The tiles, read line by line: 2 workshops with a survey, 7 responses before, 11 after.
        assert " 2 7 11 " in text
        assert (program["school"].name if user is contact else program["speaker"].alias) in text
    auth.login(make.user(Role.MENTOR).email)
    assert client.get(period()).status_code == 403


def test_the_period_page_keeps_the_five_answer_rule_and_refuses_a_bad_period(
        db, make, client, login_as):
    """With 4 answers in the period, is every figure withheld; is a period ending before it
    starts refused beside the field, without figures?"""
    workshop = make.workshop()
    answer_all(db, attach(db, workshop, make_questionnaire(db)), BEFORE[:4])
    login_as(Role.COORDINATOR)
    html = client.get(period()).get_data(as_text=True)
    assert 'data-withheld="distribution"' in html and "data-distribution" not in html
    today = today_lima()
    response = client.get("/surveys/results?" + urlencode(
        {"start": today.isoformat(), "end": (today - timedelta(days=1)).isoformat()}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "data-responses" not in html
    assert 'aria-invalid="true"' in html


# The PDFs ----------------------------------------------------------------------------------

def pdf_of(client, path: str) -> str:
    """Fetch a results PDF and return its text, whitespace (and no-break spaces) as one space."""
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.data)) as document:
        return " ".join(" ".join(page.extract_text() for page in document.pages).split())


def withheld_notes(html: str) -> set[str]:
    """Return the page's notes of withheld figures (data-withheld), as their words."""
    return {" ".join(note.split()) for note in re.findall(
        r'data-withheld="(?:distribution|paired|unpaired)">([^<]*)<', html)}


def test_the_pdf_has_the_page_s_figures_and_no_free_text(db, world, client, login_as):
    """Does the workshop's PDF hold the page's counts, distribution, paired and unpaired
    change, the charts' figures, and none of the free text (not even for coordinators);
    is it audited?"""
    login_as(Role.COORDINATOR)
    html = page(client, world["workshop"]).get_data(as_text=True)
    assert f'href="/workshops/{world["workshop"].id}/surveys/results.pdf"' in html
    text = pdf_of(client, f"/workshops/{world['workshop'].id}/surveys/results.pdf")
    assert "Taller con encuesta" in text and "I.E. Resultados" in text
    assert "3 (50 %)" in text  # 3 of the 6 answers after are a 4
    assert "1,60 (0,18 a 3,02)" in text or "1,60 (0,18 to 3,02)" in text
    assert "0,64" in text  # the unpaired difference
    assert "idea" not in text and "alert" not in text
    event = db.session.query(AuditEvent).filter_by(action="survey.export").one()
    assert (event.object_id, event.summary) == (world["workshop"].id, "results PDF")


@pytest.mark.parametrize("answers", [4, 5])
def test_the_five_answer_rule_on_the_pages_the_pdfs_and_the_csv(answers, db, make, client,
                                                                login_as):
    """With 4 answers before and after, do the workshop's page and PDF, the period's page
    and PDF show no distribution, change or chart (the page's notes instead, the same in
    the PDF), and the CSV no answer row; with 5, do they all show them?"""
    workshop = make.workshop(title="Taller al límite")
    questionnaire = make_questionnaire(db)
    answer_all(db, attach(db, workshop, questionnaire, SurveyPhase.BEFORE), BEFORE[:answers])
    answer_all(db, attach(db, workshop, questionnaire, SurveyPhase.AFTER), AFTER[:answers])
    login_as(Role.COORDINATOR)
    shown = answers == 5
    for page_url, pdf_url in ((f"/workshops/{workshop.id}/surveys/results",
                               f"/workshops/{workshop.id}/surveys/results.pdf"),
                              (period(), period().replace("results?", "results.pdf?"))):
        html = client.get(page_url).get_data(as_text=True)
        assert ('data-distribution="1"' in html) is shown
        assert ('data-paired="1"' in html) is shown and ('data-change="1"' in html) is shown
        assert ('data-unpaired="1"' in html) is shown
        assert html.count("<svg") == (3 if shown else 0)
        assert 'data-download="pdf"' in html
        text = pdf_of(client, pdf_url)
        assert f"{answers} " in text
        # A share of the answers, "2 (40 %)", is written only in a distribution.
        assert bool(re.search(r"\d \(\d+ %\)", text)) is shown
        assert ("1,60" in text) is shown  # the paired change: P1…P5 gain 2, 1, 2, 0, 3
        notes = withheld_notes(html)
        assert bool(notes) is not shown
        assert all(note in text for note in notes)
    assert ('data-download="csv"' in html) is False  # the period's page has no CSV
    exported = db.session.query(AuditEvent).filter_by(action="survey.export",
                                                     object_type="SurveyResults").one()
    assert exported.summary.startswith("results PDF: program, ")
    rows = csv_of(client, workshop)[1:]
    assert len(rows) == (answers * 2 * 2 if shown else 0)
    assert len(csv_of(client, workshop, "?text=1")[1:]) == (answers * 2 * 3 if shown else 0)


def test_a_bad_period_pdf_goes_back_to_the_page(client, login_as):
    """Is a PDF asked for without a period, or with one running backwards, sent to the page
    with the same query, where the form says why?"""
    login_as(Role.COORDINATOR)
    assert client.get("/surveys/results.pdf").headers["Location"] == "/surveys/results"
    backwards = "start=2026-11-30&end=2026-11-01"
    response = client.get(f"/surveys/results.pdf?{backwards}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/surveys/results?{backwards}"
