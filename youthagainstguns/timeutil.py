"""UTC storage and America/Lima display: the one place that knows about time zones."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

LIMA = ZoneInfo("America/Lima")


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def today_lima() -> date:
    """Return today's date in Lima."""
    return utcnow().astimezone(LIMA).date()


def to_lima(moment: datetime) -> datetime:
    """Convert an aware datetime to Lima time."""
    return moment.astimezone(LIMA)


def lima_to_utc(day: date, at: time) -> datetime:
    """Turn a date and wall-clock time entered in Lima into an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=LIMA).astimezone(UTC)


def lima_day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the UTC instants where a Lima calendar day starts and the next one starts."""
    return lima_to_utc(day, time.min), lima_to_utc(day + timedelta(days=1), time.min)


def month_start(day: date, months_back: int = 0) -> date:
    """Return the first day of `day`'s month, or of the month `months_back` before it."""
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(day: date) -> tuple[date, date]:
    """Return the first day of `day`'s month and the first day of the next month."""
    first = month_start(day)
    return first, month_start(first + timedelta(days=31))


def last_month_starts(day: date, count: int) -> list[date]:
    """Return the first days of the `count` months ending with `day`'s, oldest first."""
    return [month_start(day, back) for back in range(count - 1, -1, -1)]


class UTCDateTime(sa.types.TypeDecorator):
    """Store naive UTC in every engine, hand back aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
