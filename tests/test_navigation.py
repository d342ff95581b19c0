"""Each demo account lands on its own start page and sees only its role's navigation."""
import re

import pytest

from youthagainstguns.demo import load_demo_data

STAFF_NAV = ["Inicio", "Talleres", "Calendario", "Colegios y sedes", "Ponentes", "Mentoría",
             "Constancias", "Reportes", "Cuestionarios", "Resultados de las encuestas",
             "Usuarios", "Registro de auditoría", "Bandeja de salida",
             "Solicitudes de privacidad"]
EXPECTED_NAV = {
    "admin@example.org": STAFF_NAV,
    "coordinacion@example.org": STAFF_NAV,
    "mentor@example.org": ["Inicio", "Mi mentoría"],
    "colegio@example.org": ["Inicio", "Talleres", "Constancias", "Reportes"],
    "ponente@example.org": ["Inicio", "Mi agenda", "Constancias"],
}


def _nav_labels(html: str) -> list[str]:
    block = re.search(r'<ul class="nav-links"[^>]*>(.*?)</ul>', html, re.S).group(1)
    return [label.strip() for label in re.findall(r'<li><a href="[^"]+"[^>]*>([^<]+)</a></li>',
                                                  block)]


@pytest.mark.parametrize("email", sorted(EXPECTED_NAV))
def test_demo_account_sees_its_roles_navigation(client, auth, db, email):
    """Does each demo account log in, land on its dashboard and see exactly its role's menu,
    in Spanish?"""
    load_demo_data()
    db.session.commit()
    response = auth.login(email)
    assert response.status_code == 302
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 200
    assert page.request.path == "/home"  # every role lands on its dashboard
    assert _nav_labels(page.get_data(as_text=True)) == EXPECTED_NAV[email]
