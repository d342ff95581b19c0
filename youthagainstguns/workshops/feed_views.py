"""Calendar feeds: the owner's page to see and regenerate the URL, and the public .ics."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import role_required
from ..auth.models import Role
from ..extensions import db
from ..forms import EmptyForm
from . import feeds, ics
from .blueprint import bp


@bp.route("/workshops/feed")
@role_required(*feeds.FEED_ROLES)
def feed_settings():
    """Show the user's calendar feed URL and let them replace it."""
    feed = feeds.current_feed(current_user)
    return render_template("workshops/feed.html", feed=feed, feed_form=EmptyForm(),
                           feed_url=feeds.feed_url(feed))


@bp.route("/workshops/feed/regenerate", methods=["POST"])
@role_required(*feeds.FEED_ROLES)
def regenerate_feed():
    """Issue a new feed URL; the old one stops working at once."""
    if EmptyForm().validate_on_submit():
        feeds.regenerate_feed(current_user)
        db.session.commit()
        flash(_("Your new calendar link is ready. The previous link no longer works."),
              "success")
    if current_user.role == Role.SPEAKER:
        return redirect(url_for("workshops.speaker_schedule") + "#feed")
    return redirect(url_for("workshops.feed_settings"))


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
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="talleres.ics"'})
