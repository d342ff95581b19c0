"""Marshmallow schemas: what the API accepts and answers, and so what its OpenAPI document says.

Moments are written in Lima time with their offset (2026-12-02T10:15:00-05:00): what people
and the pages use; any offset is accepted on input and stored in UTC.
"""
from __future__ import annotations

from datetime import UTC, date
from functools import cache

from flask_babel import LazyString, gettext
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..timeutil import to_lima
from ..workshops.models import AttendanceStatus, WorkshopStatus


class _Message(LazyString):
    """A translation made when shown, that copies as itself: flask-smorest deep-copies the
    schemas into the document when the app is built, and copying a LazyString would translate
    it, outside any request."""

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _(message: str) -> _Message:
    """Mark `message` for translation when a response is made."""
    return _Message(gettext, message)


MAX_PAGE = 200
DEFAULT_PAGE = 50
MAX_MARKS = 2000
MAX_ID = 2**31 - 1  # ids are 32-bit integers on both engines
# The days a filter or period may name: the program started long after the first, a series of
# the twelve months before a period must still be a real date, and so must the day after.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


# marshmallow's own messages, in the reader's language: they are the `errors` of a 422. None
# has a placeholder: marshmallow formats only plain strings (a validator's error, as in
# `in_range`, is formatted when raised, in the request's language).
FIELD_MESSAGES = {
    "required": _("Required."),
    "null": _("May not be empty."),
    "invalid": _("Not a valid value of this type."),
    "format": _("Not a valid value of this type."),
    "type": _("Not a valid value of this type."),
    "invalid_awareness": _("Give the moment with its offset, e.g. 2026-12-02T10:15:00-05:00."),
    "unknown": _("Not one of the values the document lists for this field."),
    "too_large": _("The number is too large."),
    "invalid_utf8": _("Not valid text."),
}


class ApiSchema(Schema):
    """A schema whose error messages are translated."""

    error_messages = {"unknown": _("Unknown field."), "type": _("Not a valid object.")}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        """Give the field the translated messages of the errors it can raise."""
        field_obj.error_messages = field_obj.error_messages | {
            key: message for key, message in FIELD_MESSAGES.items()
            if key in field_obj.error_messages}


def in_range(low, high) -> validate.Range:
    """Refuse a value below `low` or above `high`, saying so in the reader's language."""
    return validate.Range(low, high, error=_("Must be from {min} to {max}."))


def at_most(length: int) -> validate.Length:
    """Refuse more than `length` characters or items."""
    return validate.Length(max=length, error=_("At most {max}."))


class LimaDateTime(fields.AwareDateTime):
    """A moment written in Lima time with its offset; read in any offset, kept in UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else to_lima(value).isoformat(timespec="seconds")

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).astimezone(UTC)


class PageQuery(ApiSchema):
    """A page of a list: an opaque cursor from the previous page, and how many to answer."""

    cursor = fields.String(load_default=None, validate=at_most(200),
                           metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=DEFAULT_PAGE, validate=in_range(1, MAX_PAGE))


class PageSchema(ApiSchema):
    """The envelope of every list."""

    next_cursor = fields.String(allow_none=True, required=True,
                                metadata={"description": "null on the last page"})


@cache  # one page schema per item schema: the document names each once
def page_of(item_schema: type[Schema]) -> type[Schema]:
    """Return the schema of a page of `item_schema`s."""
    return type(f"{item_schema.__name__.removesuffix('Schema')}PageSchema", (PageSchema,), {
        "items": fields.List(fields.Nested(item_schema), required=True)})


class SchoolSchema(ApiSchema):
    """A venue: school or community centre."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    district = fields.String(required=True)
    official_code = fields.String(allow_none=True)
    archived = fields.Function(lambda school: school.archived_at is not None, required=True)


class SchoolQuery(PageQuery):
    """Schools: search words."""

    q = fields.String(load_default=None, validate=at_most(100))


class SpeakerSchema(ApiSchema):
    """A speaker by alias: never the legal name or contact details."""

    id = fields.Integer(required=True)
    alias = fields.String(required=True)
    topics = fields.String(required=True)
    active = fields.Boolean(required=True)


class SpeakerQuery(PageQuery):
    """Speakers: words of the alias or topics."""

    q = fields.String(load_default=None, validate=at_most(100))


class VenueRefSchema(ApiSchema):
    """A workshop's venue."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    district = fields.String(required=True)


class SpeakerRefSchema(ApiSchema):
    """A workshop's speaker, by alias."""

    id = fields.Integer(required=True)
    alias = fields.String(required=True)


class WorkshopSchema(ApiSchema):
    """A workshop's facts; its students are on the roster."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    topic = fields.String(required=True)
    status = fields.Enum(WorkshopStatus, by_value=True, required=True)
    starts_at = LimaDateTime(required=True)
    ends_at = LimaDateTime(required=True)
    capacity = fields.Integer(required=True)
    seats_taken = fields.Integer(required=True)
    target_grades = fields.String(required=True)
    venue = fields.Nested(VenueRefSchema, required=True)
    speakers = fields.List(fields.Nested(SpeakerRefSchema), required=True)


class WorkshopQuery(PageQuery):
    """Workshops: Lima dates (both included), status, venue, speaker; soonest first."""

    date_from = fields.Date(data_key="from", load_default=None,
                            validate=in_range(FIRST_DAY, LAST_DAY))
    date_to = fields.Date(data_key="to", load_default=None,
                          validate=in_range(FIRST_DAY, LAST_DAY))
    status = fields.Enum(WorkshopStatus, by_value=True, load_default=None)
    school = fields.Integer(load_default=None, validate=in_range(1, MAX_ID))
    speaker = fields.Integer(load_default=None, validate=in_range(1, MAX_ID))


class RosterEntrySchema(ApiSchema):
    """A line of the roster as the attendance page shows it to this account."""

    id = fields.Integer(required=True, metadata={"description": "the entry_id of a mark"})
    first_name = fields.String(attribute="student.first_name", required=True)
    last_names = fields.String(attribute="student.last_names", required=True)
    grade = fields.String(attribute="student.grade", required=True)
    section = fields.String(attribute="student.section", required=True)
    walk_in = fields.Boolean(required=True)
    status = fields.Enum(AttendanceStatus, by_value=True, allow_none=True, required=True)
    marked_at = LimaDateTime(allow_none=True, required=True)


class MarkSchema(ApiSchema):
    """One mark as made on a device."""

    entry_id = fields.Integer(required=True, validate=in_range(1, MAX_ID))
    status = fields.Enum(AttendanceStatus, by_value=True, required=True)
    marked_at = LimaDateTime(required=True)


class BatchSchema(ApiSchema):
    """A batch of marks, applied once per batch_id."""

    batch_id = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9-]{8,64}$", error=_("8 to 64 letters, digits or hyphens.")))
    marks = fields.List(fields.Nested(MarkSchema), required=True,
                        validate=at_most(MAX_MARKS))


class BatchOutcomeSchema(ApiSchema):
    """What a batch did (for a duplicate: what its first arrival did)."""

    batch_id = fields.String(required=True)
    applied = fields.Integer(required=True)
    kept = fields.Integer(required=True)
    duplicate = fields.Boolean(required=True)


class CertificateSchema(ApiSchema):
    """A certificate: the holder is a student (as the roster shows them) or a speaker's alias."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    code = fields.String(required=True)
    workshop_id = fields.Integer(required=True)
    issued_on = fields.Date(required=True)
    revoked = fields.Function(lambda c: c.is_revoked, required=True)
    holder = fields.Function(lambda c: c.speaker.alias if c.speaker is not None else
                             f"{c.student.first_name} {c.student.last_names}", required=True)


class VerificationSchema(ApiSchema):
    """What the public verification page shows, and nothing more."""

    revoked = fields.Boolean(required=True)
    revoked_at = LimaDateTime(allow_none=True, required=True)
    holder = fields.String(required=True)
    workshop_title = fields.String(required=True)
    held_on = LimaDateTime(required=True)
    venue = fields.String(required=True)


class FigureSchema(ApiSchema):
    """A key figure: `value` is null when suppressed (or there is nothing to divide); `shown`
    is what the report prints: "<5" for a count of 1 to 4, "*" where it would give one away."""

    value = fields.Raw(allow_none=True, required=True,
                       metadata={"type": "number", "nullable": True})
    shown = fields.String(required=True)
    suppressed = fields.Boolean(required=True)


class FiguresQuery(ApiSchema):
    """A period of Lima days, both ends included, at most five years."""

    start = fields.Date(required=True, validate=in_range(FIRST_DAY, LAST_DAY))
    end = fields.Date(required=True, validate=in_range(FIRST_DAY, LAST_DAY))

    @validates_schema
    def check_period(self, data: dict, **kwargs) -> None:
        """Refuse a period that ends before it starts or spans more than five years."""
        if data["end"] < data["start"]:
            raise ValidationError({"end": [_("The end is before the start.")]})
        if (data["end"] - data["start"]).days > 5 * 366:
            raise ValidationError({"end": [_("A period of at most five years.")]})


class FiguresSchema(ApiSchema):
    """The program's headline figures for a period, suppressed as in the program report."""

    start = fields.Date(required=True)
    end = fields.Date(required=True)
    figures = fields.Dict(keys=fields.String(), values=fields.Nested(FigureSchema),
                          required=True)

