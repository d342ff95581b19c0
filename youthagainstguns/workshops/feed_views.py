"""Calendar feeds: the owner's page to see and regenerate the URL, and the public .ics."""
from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..auth.decorators import role_required
from ..extensions import db
from ..forms import EmptyForm
from . import feeds, ics
from .blueprint import bp


@bp.route("/workshops/feed")
@role_required(*feeds.FEED_ROLES)
def feed_settings():
    """Show whether the user has a calendar feed and let them make a new address."""
    return render_template("workshops/feed.html", feed=feeds.current_feed(current_user),
                           feed_form=EmptyForm())


@bp.route("/workshops/feed/regenerate", methods=["POST"])
@role_required(*feeds.FEED_ROLES)
def regenerate_feed():
    """Issue a new feed URL and show it this once; the old one stops working at once."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("workshops.feed_settings"))
    url = feeds.regenerate_feed(current_user)
    db.session.commit()
    # Not a redirect: the address exists only in this response, which no cache may keep.
    page = render_template("workshops/feed.html", feed=feeds.current_feed(current_user),
                           feed_form=EmptyForm(), feed_url=url, webcal_url=webcal(url))
    return page, 200, {"Cache-Control": "no-store"}


def webcal(url: str) -> str:
    """Return the feed's address with the webcal scheme, which calendar apps open to subscribe."""
    return "webcal://" + url.split("://", 1)[1]


@bp.route("/feeds/<feed_token>.ics")
def feed(feed_token: str):
    """Serve a feed to calendar apps; the token is the credential, a bad one is a 404."""
    subscription = feeds.feed_for_token(feed_token)
    if subscription is None:
        abort(404)
    owner = subscription.user
    with force_locale(owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = ics.build_calendar(feeds.feed_workshops(owner),
                                  _("Youth Against Guns workshops"))
    # Whoever holds the link reads the owner's schedule: recorded in the owner's name.
    record("calendar_feed.fetch", subscription, f"user {owner.id}", actor=owner)
    db.session.commit()
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="talleres.ics"'})
