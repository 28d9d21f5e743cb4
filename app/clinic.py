"""The clinic's wall clock: appointment times are local time in CLINIC_TIMEZONE."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app


def clinic_now():
    """The current local time at the clinic, as a naive wall-clock datetime."""
    zone = ZoneInfo(current_app.config["CLINIC_TIMEZONE"])
    return datetime.now(zone).replace(tzinfo=None, microsecond=0)


def clinic_zone():
    """The clinic's time zone (CLINIC_TIMEZONE)."""
    return ZoneInfo(current_app.config["CLINIC_TIMEZONE"])


def clinic_time(moment):
    """A UTC timestamp as the clinic's local time: "04 May 2026 10:00 CDT"."""
    return moment.astimezone(clinic_zone()).strftime("%d %b %Y %H:%M %Z") if moment else ""


def clinic_today():
    """Today's date at the clinic."""
    return clinic_now().date()
