"""The access matrix: for every route, which roles may use it.

Each area keeps its own `rules_<area>.py` with
- RULES: {endpoint: Allowed roles}, one entry per route, a comment where it is not obvious;
- build(make, world): adds the records its routes need and their URL values to `world`
  (a dict of URL parameter name -> value, e.g. world["workshop_id"] = 7);
- FOREIGN: {endpoint: (Foreign, ...)}, for every route that takes an id and that anyone but
  staff may use: someone else's records to try it with, built by `build` under their own keys
  (e.g. world["other_workshop_id"]); `()` where the value is a credential, not a record.
The world is shared: the school contact's school, the speaker's speaker record and the
mentor's match are the ones the world's records belong to, so "allowed" means "their own".
world["_other_school"] and world["_other_speaker"] are someone else's.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

ROLES = ("anonymous", "admin", "coordinator", "mentor", "school", "speaker")
STAFF = frozenset({"admin", "coordinator"})
EVERYONE = frozenset(ROLES)
LOGGED_IN = frozenset(ROLES) - {"anonymous"}


@dataclass(frozen=True)
class Allowed:
    """Who may use a route. `anonymous` in roles means it is public."""

    roles: frozenset[str]

    @classmethod
    def of(cls, *roles: str | frozenset[str]) -> "Allowed":
        """Build from role names and role sets."""
        names: set[str] = set()
        for role in roles:
            names |= {role} if isinstance(role, str) else set(role)
        return cls(frozenset(names))


PUBLIC = Allowed(EVERYONE)
STAFF_ONLY = Allowed(STAFF)
ANY_USER = Allowed(LOGGED_IN)


@dataclass(frozen=True)
class Foreign:
    """Someone else's record on a route: which URL values to take from which world keys, and
    who may still use the route with it (staff, who see every record, unless told otherwise).
    Everyone else must be refused: 403 or 404."""

    label: str
    values: Mapping[str, str] = field(default_factory=dict)  # URL parameter -> world key
    query: Mapping[str, str] = field(default_factory=dict)  # query values, "{key}" from world
    allowed: frozenset[str] = STAFF

    def url_values(self, world: dict) -> dict:
        """Return the world's URL values with this record's swapped in."""
        return world | {name: world[key] for name, key in self.values.items()}

    def query_string(self, world: dict) -> str:
        """Return the query string, its "{key}" placeholders filled from the world."""
        return urlencode({k: v.format(**world) for k, v in self.query.items()})
