"""Searchable selects (issue 11): venue and speaker filters list only the chosen option and
fetch the rest from /workshops/options/<source>; the calendar caps each day's cell."""
import re
from datetime import time, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from youthagainstguns.auth.models import Role
from youthagainstguns.forms import OPTIONS_LIMIT
from youthagainstguns.timeutil import utcnow


@pytest.fixture
def coordinator(login_as):
    """A logged-in coordinator."""
    return login_as(Role.COORDINATOR)


def options(client, source: str, q: str = "") -> list[dict]:
    """Return the options the endpoint answers for `q`."""
    response = client.get(f"/workshops/options/{source}", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()["options"]


def select_html(html: str, name: str) -> str:
    """Return the markup of the <select name=...> in a page."""
    return re.search(rf'<select[^>]* name="{name}"[^>]*>.*?</select>', html, re.S).group(0)


def test_venue_options_match_the_search_by_name_and_stop_at_the_limit(client, make, coordinator):
    """Does the endpoint answer the first venues (by name) whose name holds the words, at most
    the limit, with the district in the label, and treat % and _ literally?"""
    for n in range(OPTIONS_LIMIT + 5):
        make.school(name=f"I.E. Buscada {n:02d}", district="Comas")
    make.school(name="Colegio Otro")
    make.school(name="I.E. 100% Vida")
    make.school(name="I.E. 1000 Vidas")
    make.school(name="I.E. Buscada archivada", archived_at=utcnow())

    found = options(client, "venues", "buscada")
    assert len(found) == OPTIONS_LIMIT
    assert [o["label"] for o in found] == [f"I.E. Buscada {n:02d} — Comas"
                                           for n in range(OPTIONS_LIMIT)]
    assert [o["label"].split(" — ")[0] for o in options(client, "venues", "0% v")] == [
        "I.E. 100% Vida"]
    # Reports still reach archived schools, whose past attendance counts.
    assert "I.E. Buscada archivada — San Juan de Lurigancho" in {
        o["label"] for o in options(client, "reported-venues", "archivada")}
    assert options(client, "venues", "archivada") == []


def test_speaker_options_offer_active_speakers_by_alias(client, make, coordinator):
    """Are inactive and archived speakers left out, and the legal name never searched or shown?"""
    wanted = make.speaker(alias="El Flaco", legal_name="Juan Secreto")
    make.speaker(alias="El Flaco Viejo", active=False)
    make.speaker(alias="El Flaco Archivado", archived_at=utcnow())
    assert options(client, "speakers", "flaco") == [{"value": wanted.id, "label": "El Flaco"}]
    assert options(client, "speakers", "Secreto") == []


def test_unknown_option_source_is_not_found(client, coordinator):
    assert client.get("/workshops/options/students?q=a").status_code == 404


@pytest.mark.parametrize("role", [Role.MENTOR, Role.SPEAKER, Role.SCHOOL])
def test_options_are_refused_to_those_without_the_filters(client, login_as, make, role):
    """Can a mentor, a speaker or a school contact list venues or speakers? No."""
    make.school(name="I.E. Escondida")
    login_as(role)
    for source in ("venues", "speakers"):
        assert client.get(f"/workshops/options/{source}?q=e").status_code == 403


def test_options_need_a_login(client, make):
    make.school(name="I.E. Escondida")
    response = client.get("/workshops/options/venues?q=e")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_filter_by_venue_and_speaker_lists_only_the_chosen_option(client, make, coordinator):
    """Does the list keep filtering by ?school= and ?speaker= (bookmarks), rendering only the
    chosen option, not every venue and speaker?"""
    venue, elsewhere = make.school(name="I.E. Elegida"), make.school(name="I.E. Ajena")
    speaker = make.speaker(alias="La Elegida")
    others = [make.school() for _ in range(10)]
    make.workshop(venue=venue, speakers=[speaker], title="Aquí")
    make.workshop(venue=elsewhere, title="Allá")
    make.workshop(venue=others[0], speakers=[speaker], title="Otro sitio")

    html = client.get(f"/workshops/?school={venue.id}").get_data(as_text=True)
    assert "Aquí" in html and "Allá" not in html and "Otro sitio" not in html
    chosen = select_html(html, "school")
    assert chosen.count("<option") == 2 and f'selected value="{venue.id}"' in chosen
    assert "I.E. Ajena" not in chosen

    html = client.get(f"/workshops/?speaker={speaker.id}").get_data(as_text=True)
    assert "Aquí" in html and "Otro sitio" in html and "Allá" not in html
    assert select_html(html, "speaker").count("<option") == 2
    assert select_html(html, "school").count("<option") == 1


def test_a_stale_or_typed_id_in_the_url_is_said_and_ignored(client, make, coordinator):
    """Does a venue id that does not exist (or was archived) get a message next to the filter,
    not a 500, while the list shows everything?"""
    archived = make.school(name="I.E. Cerrada", archived_at=utcnow())
    make.workshop(title="Sigue en la lista")
    for query in ("school=999999", f"school={archived.id}", "speaker=999999", "school=abc"):
        response = client.get(f"/workshops/?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, query
        assert "Sigue en la lista" in html, query
        assert 'class="field-error"' in html and 'aria-invalid="true"' in html, query
    response = client.get("/workshops/calendar?school=999999")
    assert response.status_code == 200 and 'class="field-error"' in response.get_data(as_text=True)


def test_without_javascript_a_typed_search_fills_the_select(client, make, coordinator):
    """Without JavaScript: does submitting the search box list its matches in the select, so
    the next submit filters by the one chosen?"""
    wanted = make.school(name="I.E. José Olaya")
    make.school(name="I.E. Miguel Grau")
    html = client.get("/workshops/?school_q=olaya").get_data(as_text=True)
    chosen = select_html(html, "school")
    assert f'value="{wanted.id}"' in chosen and "Miguel Grau" not in chosen
    assert 'name="school_q" value="olaya"' in html


def test_reports_choose_the_school_through_the_searchable_select(client, make, coordinator,
                                                                  today):
    """Does the report chooser list only the chosen school, accept it, and say when the id
    names no school?"""
    school = make.school(name="I.E. Del Informe")
    make.school(name="I.E. Sin Informe")
    period = f"start={today - timedelta(days=30)}&end={today}"
    html = client.get(f"/reports?school_id={school.id}&{period}").get_data(as_text=True)
    chosen = select_html(html, "school_id")
    assert chosen.count("<option") == 2 and "I.E. Sin Informe" not in html
    assert 'class="report-summary"' in html
    html = client.get(f"/reports?school_id=999999&{period}").get_data(as_text=True)
    assert 'class="field-error"' in html and 'class="report-summary"' not in html


def test_workshop_form_offers_only_the_chosen_venue(client, make, coordinator):
    """Does the new-workshop form render the chosen venue alone and refuse an unknown one?"""
    venue = make.school(name="I.E. Anfitriona")
    make.school(name="I.E. No Elegida")
    html = client.get(f"/workshops/new?venue_id={venue.id}").get_data(as_text=True)
    chosen = select_html(html, "venue_id")
    assert chosen.count("<option") == 2 and "I.E. Anfitriona" in chosen
    assert "I.E. No Elegida" not in html
    response = client.post("/workshops/new", data={
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1],
        "title": "Taller", "venue_id": "999999", "day": "2030-01-10", "start_time": "10:00",
        "end_time": "12:00", "capacity": "30", "speaker_ids": str(make.speaker().id)})
    assert response.status_code == 200
    assert 'class="field-error" id="venue_id-error"' in response.get_data(as_text=True)


def test_a_busy_day_shows_three_workshops_and_links_the_rest(client, make, coordinator,
                                                            tomorrow):
    """Does a day with five workshops show three and "+2", linking to that day's list
    (with the calendar's filters kept), which lists all five?"""
    venue = make.school(district="Comas")
    for hour in range(8, 13):
        make.workshop(venue=venue, day=tomorrow, start=time(hour), end=time(hour, 45),
                      title=f"Taller de las {hour}")
    make.workshop(day=tomorrow + timedelta(days=1), title="Al día siguiente")
    html = client.get(f"/workshops/calendar?date={tomorrow}&district=Comas").get_data(
        as_text=True)
    assert html.count('class="cal-item') == 3
    assert all(f"Taller de las {hour}" in html for hour in (8, 9, 10))
    assert "Taller de las 11" not in html
    more = re.findall(r'<a class="cal-more" href="([^"]+)">\+(\d+)', html)
    assert [n for _, n in more] == ["2"]
    link = urlparse(more[0][0].replace("&amp;", "&"))
    assert link.path == "/workshops/" and parse_qs(link.query) == {
        "date_from": [tomorrow.isoformat()], "date_to": [tomorrow.isoformat()],
        "district": ["Comas"]}
    listed = client.get(more[0][0].replace("&amp;", "&")).get_data(as_text=True)
    assert all(f"Taller de las {hour}" in listed for hour in range(8, 13))
    assert "Al día siguiente" not in listed


def test_control_characters_in_a_search_are_dropped(client, make, coordinator):
    """Does a NUL typed into a search (which PostgreSQL refuses) get dropped on both engines?"""
    make.school(name="I.E. José Olaya")
    assert [o["label"] for o in options(client, "venues", "ola\x00ya")] == [
        "I.E. José Olaya — San Juan de Lurigancho"]
    assert client.get("/workshops/?school_q=ola%00ya").status_code == 200
