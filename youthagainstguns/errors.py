"""What each error page says: one template, one title and one explanation per status code."""
from flask import render_template
from flask_babel import lazy_gettext as _l

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Not found"), _l("The page or record you asked for does not exist.")),
    409: (_l("Changed by someone else"),
          _l("Someone saved the same record at the same moment, so your change was not saved. "
             "Go back, reload the page and try again.")),
    413: (_l("File too large"),
          _l("The file is larger than allowed. Split it or remove what is not needed.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes and try again.")),
    500: (_l("Something went wrong"),
          _l("Nothing was saved. Try again; if it happens again, tell the coordination team.")),
}


def render_error_page(code: int) -> tuple[str, int]:
    """Render the error page for `code` (codes without their own text explain as a 500)."""
    title, message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template("errors/error.html", title=title, message=message), code
