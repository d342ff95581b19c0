"""Questionnaires (versioned items), their surveys before and after a workshop, and the
anonymous answers to them."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..dbtypes import UTCDateTime, enum_type
from ..enums import LabelledEnum
from ..extensions import db
from ..text import normalise
from ..timeutil import utcnow
from ..workshops.models import Workshop, WorkshopStatus

if TYPE_CHECKING:
    from ..auth.models import User


class ItemKind(LabelledEnum):
    """What an item asks for: a point on a 5-point agreement scale, yes or no, or a few words."""

    SCALE = "scale", _l("Agreement scale (1 to 5)")
    YES_NO = "yes_no", _l("Yes or no")
    TEXT = "text", _l("Short free text")


class SurveyPhase(LabelledEnum):
    """When a survey is answered: before the workshop starts or after it ends."""

    BEFORE = "before", _l("Before the workshop")
    AFTER = "after", _l("After the workshop")


class ResponseSource(LabelledEnum):
    """How an answer came in: typed by the student on the page, or from a paper sheet."""

    WEB = "web", _l("Web")
    PAPER = "paper", _l("Paper")


SCALE_POINTS = 5
YES, NO = 1, 0
# The free-text item's answer: a few sentences at most, so no one writes a story that
# identifies them, and a page of answers stays small.
FREE_TEXT_MAX = 300
ITEM_TEXT_MAX = 300
# The "before" link opens this long before the start and closes at the start; the "after"
# link opens at the end and stays open this long.
BEFORE_LEAD = timedelta(hours=1)
AFTER_OPEN_FOR = timedelta(days=7)
# Workshops whose surveys can never be open.
NO_SURVEYS = (WorkshopStatus.DRAFT, WorkshopStatus.CANCELLED)


class SurveyError(ValueError):
    """A refused change to a questionnaire or a survey; the message is for the person."""


def new_survey_token() -> str:
    """Return an unguessable, short public token: 72 random bits in 12 URL-safe characters."""
    return secrets.token_urlsafe(9)


def pairing_code(letter: str | None, day: int | None, digit: int | None) -> str | None:
    """Return the self-generated code from its three parts ("M074"), or None when all three
    are empty. The letter is folded (accents, case): "á" and "A" make the same code.

    :raises SurveyError: when only some parts are given or one is out of range.
    """
    letter = normalise(letter).upper()
    parts = (letter, day, digit)
    if not any(part not in (None, "") for part in parts):
        return None
    if len(letter) != 1 or not letter.isalpha() or day is None or digit is None \
            or not 1 <= day <= 31 or not 0 <= digit <= 9:
        raise SurveyError(_l("Fill in the three parts of the code, or leave all three empty."))
    return f"{letter}{day:02d}{digit}"


class Questionnaire(db.Model):
    """A named questionnaire in the coordinators' library; its wording lives in versions."""

    __tablename__ = "questionnaires"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Archived questionnaires keep their versions and answers but are no longer offered.
    archived: so.Mapped[bool] = so.mapped_column(default=False)

    created_by: so.Mapped[User | None] = so.relationship()
    versions: so.Mapped[list[QuestionnaireVersion]] = so.relationship(
        back_populates="questionnaire", cascade="all, delete-orphan",
        order_by="QuestionnaireVersion.number")

    def __repr__(self) -> str:
        return f"<Questionnaire {self.id}>"

    @property
    def current_version(self) -> QuestionnaireVersion:
        """Return the newest version: the one new surveys pin and edits start from."""
        return self.versions[-1]

    def version_to_edit(self) -> QuestionnaireVersion:
        """Return the version an edit may change: the current one while nobody has answered
        it, else a new copy of it (the answered one keeps its wording for its results)."""
        current = self.current_version
        current.lock()
        if not current.has_answers():
            return current
        copy = QuestionnaireVersion(number=current.number + 1, items=[
            SurveyItem(position=item.position, kind=item.kind, text_es=item.text_es,
                       text_en=item.text_en) for item in current.items])
        self.versions.append(copy)
        return copy

    def can_manage(self, user: User) -> bool:
        """Only staff keep the questionnaire library."""
        return user.is_staff

    def archive(self) -> None:
        """Stop offering the questionnaire for new surveys; refuse a second time."""
        if self.archived:
            raise SurveyError(_l("This questionnaire is already archived."))
        self.archived = True

    def restore(self) -> None:
        """Offer an archived questionnaire again."""
        if not self.archived:
            raise SurveyError(_l("This questionnaire is not archived."))
        self.archived = False


class QuestionnaireVersion(db.Model):
    """The exact items of a questionnaire as asked; frozen once anyone has answered them."""

    __tablename__ = "questionnaire_versions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    questionnaire_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questionnaires.id", ondelete="CASCADE"))
    number: so.Mapped[int]  # 1, 2, … within the questionnaire
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    questionnaire: so.Mapped[Questionnaire] = so.relationship(back_populates="versions")
    items: so.Mapped[list[SurveyItem]] = so.relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="SurveyItem.position")

    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "number"),)

    def lock(self) -> None:
        """Take the version's row for the rest of the transaction, then read its items afresh.

        Saving answers and editing in place each take it first, so they happen one after the
        other: an edit sees the answers saved before it (and makes a new version), answers see
        the wording edited before them. A write (to a column nothing reads) rather than
        SELECT … FOR UPDATE, so that SQLite, which has no row locks, serialises them too.
        """
        if self.id is None:
            return
        db.session.execute(sa.update(QuestionnaireVersion).where(
            QuestionnaireVersion.id == self.id).values(created_at=QuestionnaireVersion.created_at))
        for item in self.items:
            db.session.expire(item)
        db.session.expire(self, ["items"])

    def wording_stamp(self) -> str:
        """Return a short fingerprint of the items as worded now. The answering form carries
        it, so answers given to wording that changed meanwhile are not saved against the new."""
        wording = "\x1f".join(f"{item.id}\x1e{item.kind}\x1e{item.text_es}\x1e{item.text_en}"
                              for item in self.items)
        return hashlib.sha256(wording.encode()).hexdigest()[:16]

    def has_answers(self) -> bool:
        """Tell whether any response was saved to a survey that asks this version."""
        if self.id is None:
            return False
        return bool(db.session.scalar(sa.select(sa.exists().where(
            SurveyResponse.survey_id == WorkshopSurvey.id,
            WorkshopSurvey.version_id == self.id))))

    def _check_editable(self) -> None:
        if self.has_answers():
            raise SurveyError(_l("This version has answers: its items cannot change. Edit the "
                                 "questionnaire to make a new version."))

    def _check_one_text(self, kind: ItemKind, keeping: SurveyItem | None = None) -> None:
        if kind == ItemKind.TEXT and any(
                item.kind == ItemKind.TEXT and item is not keeping for item in self.items):
            raise SurveyError(_l("A questionnaire has at most one free-text question."))

    def add_item(self, kind: ItemKind, text_es: str, text_en: str) -> SurveyItem:
        """Add an item at the end; refuse on an answered version or a second free text."""
        self._check_editable()
        self._check_one_text(kind)
        item = SurveyItem(position=len(self.items) + 1, kind=kind, text_es=text_es,
                          text_en=text_en)
        self.items.append(item)
        return item

    def item_at(self, position: int) -> SurveyItem:
        """Return the item at `position` (1 first); SurveyError when there is none."""
        if not 1 <= position <= len(self.items):
            raise SurveyError(_l("This question no longer exists."))
        return self.items[position - 1]

    def change_item(self, position: int, kind: ItemKind, text_es: str, text_en: str) -> None:
        """Change an item's kind and wording; refuse on an answered version."""
        self._check_editable()
        item = self.item_at(position)
        self._check_one_text(kind, keeping=item)
        item.kind, item.text_es, item.text_en = kind, text_es, text_en

    def remove_item(self, position: int) -> None:
        """Remove an item and close the gap; refuse on an answered version."""
        self._check_editable()
        self.items.remove(self.item_at(position))
        self._renumber()

    def move_item(self, position: int, offset: int) -> None:
        """Move an item `offset` places (−1 up, +1 down); refuse past either end."""
        self._check_editable()
        item = self.item_at(position)
        target = position + offset
        if not 1 <= target <= len(self.items):
            raise SurveyError(_l("This question cannot move further."))
        self.items.remove(item)
        self.items.insert(target - 1, item)
        self._renumber()

    def _renumber(self) -> None:
        for number, item in enumerate(self.items, start=1):
            item.position = number


class SurveyItem(db.Model):
    """One question of a version, in Spanish and English."""

    __tablename__ = "survey_items"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questionnaire_versions.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int]  # 1 first
    kind: so.Mapped[ItemKind] = so.mapped_column(enum_type(ItemKind))
    text_es: so.Mapped[str] = so.mapped_column(sa.String(ITEM_TEXT_MAX))
    text_en: so.Mapped[str] = so.mapped_column(sa.String(ITEM_TEXT_MAX))

    version: so.Mapped[QuestionnaireVersion] = so.relationship(back_populates="items")

    __table_args__ = (
        # At most one free-text question per version: the one place a student writes freely.
        sa.Index("uq_survey_items_one_text", "version_id", unique=True,
                 sqlite_where=sa.text("kind = 'text'"),
                 postgresql_where=sa.text("kind = 'text'")),
    )

    def text(self, language: str) -> str:
        """Return the wording in `language` ("es" or "en")."""
        return self.text_en if language == "en" else self.text_es


@dataclass(frozen=True)
class Window:
    """When a survey link accepts answers: from `opens` (included) to `closes` (excluded)."""

    opens: datetime
    closes: datetime


class WorkshopSurvey(db.Model):
    """A questionnaire version asked at one workshop before or after it, behind a public link."""

    __tablename__ = "workshop_surveys"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    workshop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshops.id"), index=True)
    phase: so.Mapped[SurveyPhase] = so.mapped_column(enum_type(SurveyPhase))
    # Pinned when attached: the students asked before and after read the same wording.
    version_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questionnaire_versions.id"), index=True)
    # The credential in the public link and QR code.
    token: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True,
                                             default=new_survey_token)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    workshop: so.Mapped[Workshop] = so.relationship()
    version: so.Mapped[QuestionnaireVersion] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("workshop_id", "phase"),)

    def __repr__(self) -> str:
        return f"<WorkshopSurvey {self.id} {self.phase}>"

    def can_manage(self, user: User) -> bool:
        """Only staff attach and detach surveys and see their links; students need no account."""
        return user.is_staff

    def window(self) -> Window:
        """Return when this link accepts answers, from the workshop's times."""
        if self.phase == SurveyPhase.BEFORE:
            return Window(self.workshop.starts_at - BEFORE_LEAD, self.workshop.starts_at)
        return Window(self.workshop.ends_at, self.workshop.ends_at + AFTER_OPEN_FOR)

    def state(self, now: datetime | None = None) -> str:
        """Say whether the link takes answers at `now`: "open", "not_yet", "closed", or
        "unavailable" (a draft or cancelled workshop, or guardians not informed)."""
        workshop = self.workshop
        if workshop.status in NO_SURVEYS or not workshop.guardians_informed:
            return "unavailable"
        window, now = self.window(), now or utcnow()
        if now < window.opens:
            return "not_yet"
        return "open" if now < window.closes else "closed"

    def is_open(self, now: datetime | None = None) -> bool:
        """Tell whether the link accepts answers at `now`."""
        return self.state(now) == "open"

    def has_responses(self) -> bool:
        """Tell whether anyone answered through this survey."""
        return bool(db.session.scalar(sa.select(sa.exists().where(
            SurveyResponse.survey_id == self.id))))


class SurveyResponse(db.Model):
    """One student's anonymous answers to one survey: no name, no time finer than the day."""

    __tablename__ = "survey_responses"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    survey_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("workshop_surveys.id"))
    # The self-generated code (pairing_code), the only link between a student's before and
    # after answers; None when the student left it out.
    code: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    # The Lima day only: an exact time could be matched to who sat where when.
    answered_on: so.Mapped[date]
    source: so.Mapped[ResponseSource] = so.mapped_column(enum_type(ResponseSource))

    survey: so.Mapped[WorkshopSurvey] = so.relationship()
    answers: so.Mapped[list[SurveyAnswer]] = so.relationship(
        back_populates="response", cascade="all, delete-orphan")

    # Pairing groups a workshop's responses by code from this index.
    __table_args__ = (sa.Index("ix_survey_responses_survey_id_code", "survey_id", "code"),)


class SurveyAnswer(db.Model):
    """The answer to one item: a number (scale point, yes = 1 / no = 0) or a text."""

    __tablename__ = "survey_answers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    response_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey_responses.id", ondelete="CASCADE"))
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("survey_items.id"), index=True)
    value: so.Mapped[int | None]
    text: so.Mapped[str | None] = so.mapped_column(sa.Text)

    response: so.Mapped[SurveyResponse] = so.relationship(back_populates="answers")
    item: so.Mapped[SurveyItem] = so.relationship()

    __table_args__ = (
        sa.UniqueConstraint("response_id", "item_id"),
        sa.CheckConstraint("(value IS NULL) <> (text IS NULL)", name="one_value"),
    )
