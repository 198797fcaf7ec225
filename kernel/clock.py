"""Time as the services keep it: instants in UTC, days in the office's zone.

Events store UTC instants; the office counts its days, years and working days in Beijing time,
so "the appeals received on 1 June" and "the ledger numbers of 2026" mean what a clerk means.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

OFFICE_TIME = ZoneInfo("Asia/Shanghai")


def office_day(at: dt.datetime) -> dt.date:
    """The calendar day in the office at the instant `at`."""
    return at.astimezone(OFFICE_TIME).date()


def start_of_office_day(day: dt.date) -> dt.datetime:
    """The instant the office's day `day` begins."""
    return dt.datetime.combine(day, dt.time(), OFFICE_TIME)
