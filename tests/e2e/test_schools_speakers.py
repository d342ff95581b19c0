"""Do the venue and speaker screens work and read well in a browser, on desktop and phone?"""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from youthagainstguns.demo import load_demo_data


def test_coordinator_browses_venues_and_speakers(page, phone, live_server, db, screenshot):
    """Can a coordinator find a venue, add blackout dates, and open a speaker's file?"""
    load_demo_data()
    db.session.commit()
    for device, tab in (("desktop", page), ("phone", phone)):
        log_in(tab, live_server, "coordinacion@example.org")
        tab.goto(f"{live_server}/schools/")
        expect(tab.locator("h1")).to_have_text("Colegios y sedes")
        screenshot(tab, f"schools-list-{device}")
        tab.get_by_role("link", name=re.compile("Mariscal Andrés Avelino Cáceres")).click()
        expect(tab.locator("dl.facts")).to_contain_text("San Juan de Lurigancho")
        screenshot(tab, f"school-detail-{device}")
        tab.goto(f"{live_server}/speakers/")
        tab.get_by_role("link", name="La Flaca Rosa").click()
        expect(tab.locator(".restricted")).to_contain_text("Rosa Elvira Huamán Ccori")
        screenshot(tab, f"speaker-detail-{device}")
        tab.get_by_role("button", name="Editar").click()
        tab.fill("#alias", "")
        tab.get_by_role("button", name="Guardar").click()
        expect(tab.locator("#alias-error")).to_have_text("Este campo es obligatorio.")
        screenshot(tab, f"speaker-form-{device}")

    page.goto(f"{live_server}/schools/?q=Guadalupe")
    page.get_by_role("link", name=re.compile("Guadalupe")).click()
    page.get_by_text("Agregar fechas bloqueadas").click()
    page.fill("#starts_on", "2030-05-04")
    page.fill("#ends_on", "2030-05-05")
    page.fill("#reason", "Día de la Madre")
    page.get_by_role("button", name="Agregar fechas", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("Las fechas fueron agregadas.")
    expect(page.locator("table")).to_contain_text("04/05/2030")
