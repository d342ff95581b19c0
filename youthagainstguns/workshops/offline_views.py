"""What lets the attendance page work without a connection once opened: its service worker,
and the web manifest that puts the app on a phone's home screen."""
from flask import current_app, url_for

from .blueprint import bp

# The theme colour of static/css/app.css (--pico-primary), for the phone's title bar.
THEME_COLOUR = "#0b5d50"


@bp.route("/sw.js")
def service_worker():
    """Serve the attendance page's service worker from the site's root, so that it may
    control /workshops/ (a worker controls only pages at or below its own address)."""
    response = current_app.send_static_file("sw.js")
    response.mimetype = "text/javascript"
    # The browser then checks for a new worker on every visit, not once a day.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    """Describe the app for "Add to home screen": name, icons, colour, first page."""
    icons = [{"src": url_for("static", filename=f"img/icon-{size}.png"),
              "sizes": f"{size}x{size}", "type": "image/png"} for size in (192, 512)]
    response = current_app.json.response({
        "name": "Youth Against Guns", "short_name": "YAG", "lang": "es",
        "start_url": url_for("dashboards.home"), "scope": "/", "display": "standalone",
        "theme_color": THEME_COLOUR, "background_color": "#ffffff", "icons": icons})
    response.mimetype = "application/manifest+json"
    return response
