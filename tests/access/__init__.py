"""The access matrix: for every route, which roles may use it.

Each area keeps its own `rules_<area>.py` with
- RULES: {endpoint: Allowed roles}, one entry per route, a comment where it is not obvious;
- build(make, world): adds the records its routes need and their URL values to `world`
  (a dict of URL parameter name -> value, e.g. world["workshop_id"] = 7).
The world is shared: the school contact's school, the speaker's speaker record and the
mentor's match are the ones the world's records belong to, so "allowed" means "their own".
"""
from dataclasses import dataclass

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
