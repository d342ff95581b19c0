"""Column types shared by every area's models, and SQL hints shared by their queries."""
import enum

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from .timeutil import UTCDateTime

__all__ = ["UTCDateTime", "enum_type", "insert_on_conflict", "not_indexed"]


def enum_type(enum_cls: type[enum.Enum]) -> sa.Enum:
    """Store an enum by its value as a plain string column, portable across engines."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=max(len(m.value) for m in enum_cls) + 4,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def insert_on_conflict(connection: sa.Connection, table: sa.Table):
    """An INSERT with ON CONFLICT support (do nothing / do update) in this connection's
    dialect: both engines speak it, but SQLAlchemy builds it per dialect."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def render_migration_item(type_, obj, autogen_context):
    """Write our column types into migrations as plain SQLAlchemy types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


class not_indexed(FunctionElement):
    """A column that SQLite must not look rows up by (its `+column` hint); the column as is
    on other engines, which plan these queries well as written.

    Used on a pupil's school: SQLite otherwise starts a school's report or figures from all of
    a big school's 38,000 pupils over the years, probing the roster for each of them and each
    of its workshops (12 million probes, 0.5 s; 35 s for the school's term figures).
    """

    inherit_cache = True

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


@compiles(not_indexed)
def _column_as_is(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(not_indexed, "sqlite")
def _column_unindexed(element, compiler, **kw) -> str:
    return "+" + compiler.process(element.clauses, **kw)
