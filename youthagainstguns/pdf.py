"""The one place that calls WeasyPrint: PDFs from Jinja templates under templates/pdf/.

Contexts are plain values, not ORM objects. The URL fetcher serves only our static/ folder and
data: URLs, so a template (or data in it) can never make the renderer read other files or the
network. One font configuration is reused per process: a new one per render grows memory.
"""
import mimetypes
from functools import cache
from pathlib import Path

from flask import Response, current_app, render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

STATIC_SCHEME = "static:"


class ForbiddenURL(FatalURLFetchingError):
    """A template asked for a resource outside static/ and data: URLs; rendering stops."""


class StaticOnlyFetcher(URLFetcher):
    """Serve `static:<path>` from the static folder and `data:` URLs; refuse everything else."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"data"})
        self._root = root

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return the resource for an allowed URL, else raise ForbiddenURL."""
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(STATIC_SCHEME):
            path = (self._root / url[len(STATIC_SCHEME):].lstrip("/")).resolve()
            if path.is_relative_to(self._root) and path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        raise ForbiddenURL(f"refused to fetch {url!r}")


@cache
def font_config() -> FontConfiguration:
    """Return the process-wide font configuration."""
    return FontConfiguration()


def html_document(template: str, **context) -> HTML:
    """Build the WeasyPrint document for templates/pdf/<template>.

    In templates, refer to static files as `static:fonts/DejaVuSans.ttf`.
    """
    html = render_template(f"pdf/{template}", **context)
    root = Path(current_app.static_folder).resolve()
    return HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=StaticOnlyFetcher(root))


def render_pdf(template: str, **context) -> bytes:
    """Render templates/pdf/<template> with `context` to PDF bytes."""
    return html_document(template, **context).write_pdf(font_config=font_config())


def pdf_response(body: bytes, filename: str) -> Response:
    """Return PDF bytes as a download named `filename`."""
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
