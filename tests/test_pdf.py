"""The PDF renderer: static-only fetching, shared fonts, and fast composed pages."""
import io

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from youthagainstguns import pdf, pdf_fast


@pytest.fixture
def fetcher(app):
    """The renderer's URL fetcher, rooted at the static folder."""
    from pathlib import Path

    return pdf.StaticOnlyFetcher(Path(app.static_folder).resolve())


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://example.org/x.png", "https://example.org/logo.svg",
    "static:../config.py", "static:../../etc/passwd", "ftp://example.org/x",
])
def test_fetcher_refuses_anything_but_static_and_data(fetcher, url):
    """Can a template make the renderer read local files or the network?"""
    with pytest.raises(pdf.ForbiddenURL):
        fetcher.fetch(url)


def test_fetcher_serves_static_files_and_data_urls(fetcher):
    """Are the shipped logo and data: URLs still available to templates?"""
    assert fetcher.fetch("static:img/logo.svg").url == "static:img/logo.svg"
    assert fetcher.fetch("data:text/plain,hola") is not None


@pytest.mark.parametrize("url", ["file:///etc/hostname", "http://127.0.0.1:9/qr.svg"])
def test_render_stops_at_a_forbidden_url_in_the_context(app, url):
    """Can data placed in a template (here the QR image) make the renderer fetch a URL?"""
    from youthagainstguns.certificates.documents import SLOTS

    page = {"holder_name": "X", "name_pt": 20, "name_top": 70, "code": "C", "code_top": 150,
            "qr_uri": url}
    with app.test_request_context(), pytest.raises(pdf.ForbiddenURL):
        pdf.render_pdf("certificates/certificate.html", text={}, pages=[page], slots=SLOTS,
                       background=False)


def test_one_font_configuration_per_process(app):
    """Is the font configuration shared between renders (a new one per render leaks)?"""
    assert pdf.font_config() is pdf.font_config()


def test_compose_puts_text_over_a_rendered_background(app):
    """Do composed pages keep the background's and the overlay's text extractable?"""
    with app.test_request_context():
        background = pdf.render_pdf("reports/attendance.html", **_report_context())
        buffer = io.BytesIO()
        canvas = pdf_fast.new_canvas(buffer, A4, "test")
        for n in range(3):
            canvas.setFont(pdf_fast.REGULAR, 10)
            canvas.drawString(100, 100, f"Página añadida {n}")
            canvas.showPage()
        canvas.save()
        body = pdf_fast.compose([background], buffer.getvalue(), lambda i: 0)
    pages = PdfReader(io.BytesIO(body)).pages
    assert len(pages) == 3
    for n, page in enumerate(pages):
        text = page.extract_text()
        assert f"Página añadida {n}" in text
        assert "Youth Against Guns" in text


def _report_context():
    from youthagainstguns.reports.services import GEOMETRY, Report, _columns

    report = Report(title="Reporte", facts=[("Colegio", "I.E. Ñaña")], totals=[("Total", 0)],
                    rate="—", rate_label="Tasa", row_count=0, columns=_columns(True),
                    generated="01/03/2026 10:00", page_word="Página", of_word="de")
    return dict(report=report, columns=report.columns, geometry=GEOMETRY, background=True,
                continuation=False)


def test_only_the_renderer_module_imports_weasyprint():
    """Does any module but pdf.py call WeasyPrint (and so bypass the locked-down fetcher)?"""
    import re
    from pathlib import Path

    package = Path(pdf.__file__).parent
    importers = sorted(
        str(path.relative_to(package)) for path in package.rglob("*.py")
        if re.search(r"^\s*(import|from)\s+weasyprint", path.read_text("utf-8"), re.M)
    )
    assert importers == ["pdf.py"]
