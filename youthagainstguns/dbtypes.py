"""Column types shared by every area's models."""
import enum

import sqlalchemy as sa

from .timeutil import UTCDateTime

__all__ = ["UTCDateTime", "enum_type"]


def enum_type(enum_cls: type[enum.Enum]) -> sa.Enum:
    """Store an enum by its value as a plain string column, portable across engines."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=max(len(m.value) for m in enum_cls) + 4,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def render_migration_item(type_, obj, autogen_context):
    """Write our column types into migrations as plain SQLAlchemy types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False
