"""Deadlines and the late policy of a class's assignment, and what a late submission loses.

A TA declares them per assignment in the gradebook (`grader deadline`): the due time with its time
zone, a grace period, and a penalty per hour or per day with a cap (or none). Extensions move one
student's due time (`grader extend`). The penalty is never stored: exports compute it from the
current deadline, extensions and submission times, so a changed deadline leaves nothing stale.

When a submission arrived comes from the best source there is, and every export names it:
`lms` (a CSV of submission times the TA passes: an LMS export's timestamp column), else `file`
(the submitted file's modification time, as the LMS download set it).

This module is pure: parsing and arithmetic over aware datetimes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Per = Literal["hour", "day"]
TimeSource = Literal["lms", "file"]
TIME_SOURCES: tuple[TimeSource, ...] = ("lms", "file")  # best first


@dataclass(frozen=True)
class Policy:
    due: datetime  # aware
    grace: timedelta = timedelta(0)
    rate: float = 0.0  # the fraction of the score lost per started `per` after the grace (0.1: 10 %)
    per: Per = "day"
    cap: float = 1.0  # the most a late submission loses (1.0: everything)

    def describe(self) -> str:
        grace = f", grace {_duration(self.grace)}" if self.grace else ""
        penalty = (f", {self.rate:.0%} per {self.per} late (at most {self.cap:.0%})" if self.rate else ", no penalty")
        return f"due {self.due.isoformat(timespec='minutes')}{grace}{penalty}"


@dataclass(frozen=True)
class Lateness:
    late_by: timedelta  # past the due time (and the grace); zero when on time
    penalty: float  # the fraction of the score lost, 0..cap
    due: datetime  # the student's own (an extension's, when there is one)

    @property
    def late(self) -> bool:
        return self.late_by > timedelta(0)


def lateness(policy: Policy, submitted: datetime, extension: datetime | None = None) -> Lateness:
    """How late `submitted` is under `policy` (and the student's `extension`, a later due time), and
    the fraction of the score it loses: `rate` for every started hour or day past due plus grace."""
    due = max(policy.due, extension) if extension is not None else policy.due
    past = submitted - (due + policy.grace)
    if past <= timedelta(0):
        return Lateness(timedelta(0), 0.0, due)
    unit = timedelta(hours=1) if policy.per == "hour" else timedelta(days=1)
    units = math.ceil(past / unit)
    return Lateness(past, round(min(policy.cap, units * policy.rate), 6), due)


# --- what a TA types ---------------------------------------------------------------------------------

def parse_time(text: str, tz: str) -> datetime:
    """"2026-12-10 23:59" (or ISO 8601, with or without an offset) as an aware datetime; a time without an
    offset is in `tz` (an IANA name such as Asia/Seoul). Raises ValueError with the reason."""
    zone = zone_of(tz)
    if len(text.strip()) <= len("2026-12-10"):  # a date alone would mean its midnight, a day early
        raise ValueError(f"{text!r} is not a time such as 2026-12-10 23:59 (give the hour too)")
    try:
        moment = datetime.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise ValueError(f"{text!r} is not a time such as 2026-12-10 23:59") from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def zone_of(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones, such as "Asia"
        raise ValueError(f"{tz!r} is not a time zone (an IANA name such as Asia/Seoul)") from None


def parse_duration(text: str) -> timedelta:
    """"15m", "2h", "1d", "0" as a duration."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text or "")
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 15m, 2h or 1d")
    value, unit = float(match[1]), match[2] or "m"
    return value * {"s": timedelta(seconds=1), "m": timedelta(minutes=1), "h": timedelta(hours=1),
                    "d": timedelta(days=1)}[unit]


def parse_penalty(text: str) -> tuple[float, Per]:
    """"10%/day", "2%/hour", "0" as (rate, per)."""
    text = (text or "").strip().lower().replace(" ", "")
    if text in ("0", "0%", "none"):
        return 0.0, "day"
    match = re.fullmatch(r"(\d+(?:\.\d+)?)%/(hour|day|h|d)", text)
    if not match:
        raise ValueError(f"{text!r} is not a penalty such as 10%/day or 2%/hour (or 0)")
    rate = float(match[1]) / 100
    if not 0 <= rate <= 1:
        raise ValueError(f"a penalty of {match[1]}% per unit is outside 0 to 100%")
    return rate, "hour" if match[2] in ("hour", "h") else "day"


def parse_fraction(text: str) -> float:
    """"50%" or "0.5" as 0.5."""
    text = (text or "").strip()
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a share such as 50%") from None
    if not 0 <= value <= 1:
        raise ValueError(f"{text!r} is outside 0 to 100%")
    return value


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
