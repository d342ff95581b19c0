"""The public answering page: language, validation, one transaction, the window, rate limits,
escaping, size, and what it never shows."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.test_surveys import ITEMS, attach, count, make_questionnaire
from youthagainstguns.i18n import format_time
from youthagainstguns.surveys import services
from youthagainstguns.surveys.models import SurveyAnswer, SurveyPhase, SurveyResponse
from youthagainstguns.timeutil import today_lima, utcnow

VENUE, ALIAS, LEGAL_NAME = "I.E. Zqxvenue", "Zqxalias", "Zqxlegal Nombre"


@pytest.fixture
def survey(db, make):
    """A "before" survey, open now: the workshop starts in half an hour, guardians informed."""
    workshop = make.workshop(venue=make.school(name=VENUE), title="Decisiones que salvan vidas",
                             speakers=[make.speaker(alias=ALIAS, legal_name=LEGAL_NAME)],
                             guardians_informed=True)
    workshop.starts_at = utcnow() + timedelta(minutes=30)
    workshop.ends_at = workshop.starts_at + timedelta(hours=2)
    db.session.commit()
    return attach(db, workshop, make_questionnaire(db), SurveyPhase.BEFORE)


def url(survey) -> str:
    return f"/e/{survey.token}"


def csrf(client, survey) -> dict:
    """Return the page's hidden fields: its CSRF token and the wording stamp."""
    html = client.get(url(survey)).get_data(as_text=True)
    return dict(re.findall(r'name="(csrf_token|wording)" type="hidden" value="([^"]+)"', html))


def fields(survey, scale=4, yes_no=1, text="Que puedo pedir ayuda."):
    """Return posted answers to the three items, by field name."""
    scale_item, yes_no_item, text_item = survey.version.items
    return {f"i{scale_item.id}": scale, f"i{yes_no_item.id}": yes_no, f"i{text_item.id}": text}


def post(client, survey, data, token=None, **kwargs):
    return client.post(url(survey), data={**(token or csrf(client, survey)), **data}, **kwargs)


def test_the_page_asks_the_items_in_spanish_without_naming_the_school_or_speaker(client,
                                                                                 survey):
    """Does a Spanish phone see the items in Spanish, with the title and day only: no venue,
    no speaker, no script, no stylesheet but the survey's own?"""
    response = client.get(url(survey))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="es">' in html
    assert all(es in html for _, es, _ in ITEMS)
    assert "Decisiones que salvan vidas" in html
    for hidden in (VENUE, ALIAS, LEGAL_NAME, "Zqx"):
        assert hidden not in html
    assert "<script" not in html
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == [
        "/static/css/surveys.css"]
    assert 'type="radio"' in html and "<textarea" in html
    assert 'maxlength="300"' in html


def test_the_page_follows_the_browser_and_the_switch_link(client, survey):
    """Does an English browser get English, and does the switch link give Spanish back?"""
    html = client.get(url(survey), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in html and ITEMS[0][2] in html and ITEMS[0][1] not in html
    switch = re.search(r'<a class="lang-switch" href="([^"]+)"', html).group(1)
    assert switch.endswith("lang=es")
    back = client.get(switch.replace("&amp;", "&"), headers={"Accept-Language": "en"})
    assert ITEMS[0][1] in back.get_data(as_text=True)


def test_the_page_sets_no_cookie_but_the_session_for_its_csrf_token(client, survey):
    """Does the page set no cookie but the one holding its CSRF token, and is it kept out of
    caches and search engines?"""
    response = client.get(url(survey))
    cookies = [c.split("=", 1)[0] for c in response.headers.getlist("Set-Cookie")]
    assert cookies in ([], ["session"])
    assert response.headers["Cache-Control"] == "no-store"
    assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)


def test_the_page_and_its_stylesheet_weigh_under_50_kb(client, db, make):
    """Is a 12-question survey page, with its stylesheet, under 50 KB?"""
    items = [ITEMS[0]] * 10 + [ITEMS[1], ITEMS[2]]
    workshop = make.workshop(guardians_informed=True)
    workshop.starts_at = utcnow() + timedelta(minutes=30)
    db.session.commit()
    big = attach(db, workshop, make_questionnaire(db, items=items))
    page = client.get(url(big)).data
    css = client.get("/static/css/surveys.css").data
    assert page.count(b'type="radio"') == 10 * 5 + 2
    assert len(page) + len(css) < 50_000, (len(page), len(css))


def test_answers_are_saved_together_with_a_normalised_code_and_the_day(client, db, survey):
    """Is one response saved with its three answers and its code, dated by the day only,
    and the student thanked?"""
    response = post(client, survey, {"mother_initial": "m", "birth_day": "7",
                                     "phone_digit": "4", **fields(survey)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/e/{survey.token}/thanks")
    saved = db.session.scalar(sa.select(SurveyResponse))
    assert (saved.code, saved.answered_on, saved.survey_id) == ("M074", today_lima(), survey.id)
    scale, yes_no, text = survey.version.items
    assert sorted((a.item_id, a.value, a.text) for a in saved.answers) == [
        (scale.id, 4, None), (yes_no.id, 1, None), (text.id, None, "Que puedo pedir ayuda.")]
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200 and "<form" not in thanks.get_data(as_text=True)


def test_without_a_code_the_answers_still_count(client, db, survey):
    """Is a response without the code saved with no code?"""
    assert post(client, survey, fields(survey, text="")).status_code == 302
    saved = db.session.scalar(sa.select(SurveyResponse))
    assert saved.code is None and len(saved.answers) == 2  # the empty text is no answer


@pytest.mark.parametrize("data, error_id", [
    ({"scale": 7}, "i{scale}-error"),  # not a point of the scale
    ({"yes_no": 2}, "i{yes_no}-error"),
    ({"text": "x" * 301}, "i{text}-error"),
    ({"text": "nul\x00here"}, "i{text}-error"),
])
def test_a_bad_answer_is_shown_beside_its_question_and_nothing_is_saved(client, db, survey,
                                                                        data, error_id):
    """Is an impossible answer refused beside its question, with nothing saved at all?"""
    scale, yes_no, text = survey.version.items
    response = post(client, survey, fields(survey, **data))
    assert response.status_code == 200
    assert f'id="{error_id.format(scale=scale.id, yes_no=yes_no.id, text=text.id)}"' in \
        response.get_data(as_text=True)
    assert count(db, SurveyResponse) == count(db, SurveyAnswer) == 0


@pytest.mark.parametrize("code", [
    {"mother_initial": "M", "birth_day": "7"},  # the phone digit missing
    {"mother_initial": "MA", "birth_day": "7", "phone_digit": "4"},
    {"mother_initial": "M", "birth_day": "32", "phone_digit": "4"},
    {"mother_initial": "M", "birth_day": "siete", "phone_digit": "4"},
])
def test_a_partial_or_impossible_code_is_refused_and_nothing_is_saved(client, db, survey, code):
    """Is a code with a part missing or impossible refused, with a message, nothing saved?"""
    response = post(client, survey, {**code, **fields(survey)})
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    assert count(db, SurveyResponse) == 0


def test_an_empty_form_is_refused(client, db, survey):
    """Is a form with no answer at all refused instead of saved as an empty response?"""
    response = post(client, survey, {"mother_initial": "M", "birth_day": "7",
                                     "phone_digit": "4"})
    assert response.status_code == 200
    assert count(db, SurveyResponse) == 0


def test_without_a_csrf_token_nothing_is_saved(client, db, survey):
    """Is a post without the page's token refused?"""
    response = client.post(url(survey), data=fields(survey))
    assert response.status_code == 400
    assert count(db, SurveyResponse) == 0


def test_free_text_is_stored_as_text_and_never_shown_as_markup(client, db, survey):
    """Is markup in the free text kept as typed, and escaped when the form comes back?"""
    markup = '<script>alert("x")</script><b>hola</b>'
    shown = post(client, survey, fields(survey, scale=9, text=markup)).get_data(as_text=True)
    assert markup not in shown
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;hola&lt;/b&gt;" in shown
    assert post(client, survey, fields(survey, text=markup)).status_code == 302
    assert db.session.scalar(sa.select(SurveyAnswer.text).where(
        SurveyAnswer.text.is_not(None))) == markup


def test_a_closed_survey_refuses_answers(client, db, survey):
    """Once the workshop started, does the "before" link say it is closed (410) and save
    nothing posted to it?"""
    token = csrf(client, survey)
    survey.workshop.starts_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = post(client, survey, fields(survey), token=token)
    assert response.status_code == 410
    assert "<form" not in response.get_data(as_text=True)
    assert count(db, SurveyResponse) == 0
    assert client.get(url(survey)).status_code == 410


def test_a_survey_not_open_yet_says_when_it_opens(client, db, survey):
    """Two hours before the start, does the page say when it opens, in Lima time?"""
    survey.workshop.starts_at = utcnow() + timedelta(hours=2)
    db.session.commit()
    response = client.get(url(survey))
    html = response.get_data(as_text=True)
    opens = survey.window().opens
    assert response.status_code == 200 and "<form" not in html
    assert format_time(opens) in html


def test_without_guardians_informed_the_page_takes_no_answers(client, db, survey):
    """Is an open window still closed to answers while guardians were not confirmed?"""
    token = csrf(client, survey)
    survey.workshop.guardians_informed = False
    db.session.commit()
    response = post(client, survey, fields(survey), token=token)
    assert response.status_code == 200 and "<form" not in response.get_data(as_text=True)
    assert count(db, SurveyResponse) == 0


def test_an_unknown_link_is_not_found(client, survey):
    """Does a mistyped token give a 404?"""
    assert client.get("/e/notatoken00").status_code == 404
    assert client.get("/e/notatoken00/thanks").status_code == 404


def test_answers_are_limited_per_address(client, db, survey, monkeypatch):
    """Past the limit, is one address told to wait (429) with its answers kept on the page,
    and nothing saved, while another address still answers?"""
    monkeypatch.setattr(services, "ANSWERS_PER_ADDRESS", 2)
    token = csrf(client, survey)
    for _ in range(2):
        assert post(client, survey, fields(survey), token=token).status_code == 302
    refused = post(client, survey, fields(survey, text="Mi respuesta"), token=token)
    assert refused.status_code == 429
    assert "Mi respuesta" in refused.get_data(as_text=True)
    assert count(db, SurveyResponse) == 2
    other = post(client, survey, fields(survey), token=token,
                 environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302
    assert count(db, SurveyResponse) == 3


def test_answers_are_limited_per_link(client, db, survey, monkeypatch):
    """Past the limit of one link, are answers refused from any address?"""
    monkeypatch.setattr(services, "ANSWERS_PER_LINK", 2)
    token = csrf(client, survey)
    statuses = [post(client, survey, fields(survey), token=token,
                     environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert count(db, SurveyResponse) == 2


def test_a_no_is_an_answer(client, db, survey):
    """Is "no" (stored as 0) saved as an answer rather than dropped as empty?"""
    assert post(client, survey, fields(survey, scale="", yes_no=0, text="")).status_code == 302
    assert db.session.scalars(sa.select(SurveyAnswer.value)).all() == [0]


def test_answers_to_questions_edited_meanwhile_are_not_saved_against_the_new_wording(
        client, db, survey):
    """When a coordinator rewords a question (in place: nobody had answered) while a student
    has the page open, is the student's post refused with the new wording shown, and saved
    once sent again from it?"""
    hidden = csrf(client, survey)
    survey.version.change_item(1, survey.version.items[0].kind, "Sé pedir ayuda.",
                               "I know how to ask for help.")
    db.session.commit()
    response = post(client, survey, fields(survey, text="Mi respuesta"), token=hidden)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sé pedir ayuda." in html and ITEMS[0][1] not in html
    assert "Mi respuesta" in html  # kept for sending again
    assert count(db, SurveyResponse) == 0
    fresh = dict(re.findall(r'name="(csrf_token|wording)" type="hidden" value="([^"]+)"', html))
    assert post(client, survey, fields(survey), token=fresh).status_code == 302
    assert count(db, SurveyResponse) == 1
