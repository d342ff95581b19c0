"""Language choice and the date formats people in Peru write (26/11/2026, 24-hour clock)."""
from datetime import date, datetime

from flask import Flask, current_app, request, session
from flask_babel import format_decimal, get_locale
from flask_login import current_user

from .timeutil import to_lima


def select_locale() -> str:
    """The user's pick, else the browser's language, else Spanish."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or languages[0]


def select_timezone() -> str:
    """Everyone works in Lima."""
    return current_app.config["DISPLAY_TIMEZONE"]


def format_date(value: date | datetime | None) -> str:
    """Return dd/mm/yyyy; datetimes are shown in Lima time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_lima(value)
    return value.strftime("%d/%m/%Y")


def format_time(value: datetime | None) -> str:
    """Return HH:MM in Lima time."""
    return "" if value is None else to_lima(value).strftime("%H:%M")


def format_datetime(value: datetime | None) -> str:
    """Return dd/mm/yyyy HH:MM in Lima time."""
    return "" if value is None else to_lima(value).strftime("%d/%m/%Y %H:%M")


def register_filters(app: Flask) -> None:
    """Make the formats and the current locale available in templates."""
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["number"] = format_decimal  # 64,5 in Spanish, 64.5 in English
    app.jinja_env.globals["get_locale"] = get_locale
