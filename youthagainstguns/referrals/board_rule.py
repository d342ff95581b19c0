"""Overdue referral follow-ups on the mentoring board and in the coordinators' digest.

The board (mentoring) is a lower layer and must not import referrals, so this area registers
its rule there (board.register_rule) when its views are imported at app start; the board's
count, pages and the digest then treat it as one of their own rules.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import format_date
from ..mentoring import board
from ..mentoring.models import Mentee
from .models import Partner, Referral
from .services import overdue_query

RULE_NAME = "referral_follow_ups"


def _show(page: sa.Subquery) -> sa.Select:
    return (sa.select(page.c.id, Mentee.first_name, Mentee.last_names, Partner.name,
                      page.c.since)
            .select_from(page).join(Referral, Referral.id == page.c.id)
            .join(Mentee, Mentee.id == Referral.mentee_id)
            .join(Partner, Partner.id == Referral.partner_id))


def _row(r, today: date) -> board.BoardItem:
    return board.BoardItem(
        url_for("referrals.referral_detail", referral_id=r[0]),
        f"{r[1]} {r[2]} · {r[3]}",
        _("last contact %(date)s (%(days)d days)", date=format_date(r.since),
          days=(today - r.since).days))


board.register_rule(RULE_NAME, board.Rule(
    overdue_query, ("since", "id"), _show, _row,
    title=_l("Referral follow-ups overdue"),
    empty=_l("No referral follow-ups overdue."),
    digest_line=_l("Referral follow-ups overdue: %(n)d"),
))
