"""Lists shared by every area: a sort chosen from a whitelist in the URL, and a text search.

A list offers named sort keys (`?sort=name&dir=desc`); anything else in the URL falls back to
the list's default order, silently, as an old bookmark or a typed URL should. The search folds
case and accents on both engines: "jose" finds "José" and "JOSÉ".
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask, request, url_for
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from .text import normalise, search_text

# Arguments of a list's URL that choose how it is shown rather than what it shows.
VIEW_ARGS = ("sort", "dir", "page")
ACCENTED, PLAIN = "áàâäãåéèêëíìîïóòôöõúùûüýÿñç", "aaaaaaeeeeiiiiooooouuuuyync"


class folded(FunctionElement):
    """SQL: a text column in lower case without accents, as `normalise` folds what is typed."""

    type = sa.String()
    inherit_cache = True


@compiles(folded)
def _folded_sqlite(element, compiler, **kw) -> str:
    # SQLite's lower() folds ASCII only: the connection gets Python's fold instead (below).
    return f"yag_fold({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element, compiler, **kw) -> str:
    return (f"translate(lower({compiler.process(element.clauses, **kw)}), "
            f"'{ACCENTED}', '{PLAIN}')")


@sa.event.listens_for(Engine, "connect")
def _add_sqlite_fold(dbapi_connection, connection_record) -> None:
    """Give every SQLite connection the `yag_fold` function that `folded` compiles to."""
    if type(dbapi_connection).__module__ == "sqlite3":
        dbapi_connection.create_function("yag_fold", 1, _fold, deterministic=True)


def _fold(text: str | None) -> str | None:
    return None if text is None else normalise(text)


def search_words(q: str | None) -> list[str]:
    """Return the folded words of a search as typed (none for an empty one)."""
    return normalise(search_text(q)).split()


def contains_word(word: str, *columns: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """SQL: one of `columns`, folded, contains the folded `word` (% and _ are literal)."""
    return sa.or_(*(folded(column).contains(word, autoescape=True) for column in columns))


def matching(query: sa.Select, q: str | None, *columns: sa.ColumnElement) -> sa.Select:
    """Keep the rows of `query` where every word of `q` is in one of `columns`."""
    for word in search_words(q):
        query = query.where(contains_word(word, *columns))
    return query


def ranked(column: sa.ColumnElement, values: Sequence) -> sa.ColumnElement[int]:
    """SQL: the position of `column`'s value in `values`, to sort states in their own order
    (draft before scheduled) rather than by the spelling of their codes."""
    return sa.case({value: rank for rank, value in enumerate(values)}, value=column)


@dataclass(frozen=True)
class Sort:
    """The order a list is shown in: one of its offer's keys, ascending or descending."""

    offer: SortOffer
    key: str
    descending: bool

    def order_by(self) -> list[sa.ColumnElement]:
        """Return the ORDER BY clauses: the key's columns, then the tiebreak, one direction."""
        columns = [column.desc() if self.descending else column.asc()
                   for column in (*self.offer.keys[self.key], self.offer.tiebreak)]
        if self.key in self.offer.missing_last:
            columns[0] = columns[0].nulls_last()
        return columns

    def args_for(self, key: str) -> dict[str, str]:
        """Return the URL arguments a column header links to: its key, the other direction
        when it is the current order, else the key's own first direction."""
        if key == self.key:
            return {"sort": key, "dir": "asc" if self.descending else "desc"}
        return {"sort": key, "dir": "desc" if key in self.offer.descending_first else "asc"}

    def aria(self, key: str) -> str | None:
        """Return the header's aria-sort value, or None for a column the list is not sorted by."""
        if key != self.key:
            return None
        return "descending" if self.descending else "ascending"


@dataclass(frozen=True)
class SortOffer:
    """The sort keys a list offers, each a column or a few, and its default order.

    :param tiebreak: a unique column (the id) ending every order, so pages neither repeat
        nor skip a row.
    :param descending_first: keys first sorted descending (dates: the latest first).
    :param missing_last: keys of an optional column, whose empty values go last either way
        (the engines disagree on where NULL sorts).
    """

    keys: Mapping[str, Sequence[sa.ColumnElement]]
    default: str
    tiebreak: sa.ColumnElement
    descending_first: frozenset[str] = field(default_factory=frozenset)
    missing_last: frozenset[str] = field(default_factory=frozenset)

    def chosen(self, args: Mapping[str, str]) -> Sort:
        """Return the order `args` ask for (`sort`, `dir`); unknown values mean the default."""
        key = args.get("sort", "")
        if key not in self.keys:
            key = self.default
        direction = args.get("dir", "")
        descending = direction == "desc" if direction in ("asc", "desc") \
            else key in self.descending_first
        return Sort(self, key, descending)


def is_filtered(args: Mapping[str, str]) -> bool:
    """Tell whether a list's URL narrows it (a search or a filter), not only sorts or pages it."""
    return any(value for name, value in args.items() if name not in VIEW_ARGS)


def list_url(**changes: str | None) -> str:
    """Return the current list's URL with `changes` to its arguments (None drops one)."""
    args = request.args.to_dict(flat=False)
    for name, value in changes.items():
        args.pop(name, None)
        if value is not None:
            args[name] = value
    return url_for(request.endpoint, **{**(request.view_args or {}), **args})


def unfiltered_url() -> str:
    """Return the current list's URL without its search and filters, in the same order."""
    kept = {name: request.args[name] for name in ("sort", "dir") if name in request.args}
    return url_for(request.endpoint, **{**(request.view_args or {}), **kept})


def register_template_helpers(app: Flask) -> None:
    """Expose the list helpers the macros in _macros/lists.html call."""
    app.jinja_env.globals.update(list_url=list_url, unfiltered_url=unfiltered_url,
                                 list_filtered=lambda: is_filtered(request.args))
