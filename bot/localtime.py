"""Wall-clock times as a group writes them: `LocalTime` (07:00) and `QuietHours` (21:00-07:00).

One parser for every place a time is written (a typed line, a Discord option, the config file,
a stored meeting), so "7:05" means the same everywhere and prints back as "07:05"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

# a typed time may drop the hour's leading zero (7:05); the config file writes both digits
_LENIENT = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_STRICT = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_SPAN = re.compile(r"(\S+?)\s*-\s*(\S+)")


@dataclass(frozen=True, order=True)
class LocalTime:
    """A time of day on the local clock, to the minute."""

    hour: int
    minute: int

    def __post_init__(self) -> None:
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ValueError(f"not a time of day: {self.hour}:{self.minute}")

    @classmethod
    def parse(cls, text: str, *, strict: bool = False) -> LocalTime:
        """HH:MM (or H:MM unless `strict`); ValueError otherwise."""
        m = (_STRICT if strict else _LENIENT).fullmatch(text.strip())
        if not m:
            raise ValueError(f"not a time written HH:MM: {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, at: time) -> LocalTime:
        return cls(at.hour, at.minute)

    def time(self) -> time:
        return time(self.hour, self.minute)

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


@dataclass(frozen=True)
class QuietHours:
    """Hours when a member is not to be disturbed: from `start` until `end`, the next day's
    `end` when it comes first (21:00-07:00)."""

    start: LocalTime
    end: LocalTime

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise SameStartAndEnd(f"quiet hours start and end at {self.start}")

    @classmethod
    def parse(cls, text: str, *, strict: bool = False) -> QuietHours:
        """HH:MM-HH:MM (spaces around the dash allowed unless `strict`); ValueError otherwise
        (SameStartAndEnd, a ValueError, for 07:00-07:00)."""
        m = _SPAN.fullmatch(text.strip())
        if not m or (strict and text.strip() != f"{m.group(1)}-{m.group(2)}"):
            raise ValueError(f"not hours written HH:MM-HH:MM: {text!r}")
        return cls(
            LocalTime.parse(m.group(1), strict=strict), LocalTime.parse(m.group(2), strict=strict)
        )

    @property
    def overnight(self) -> bool:
        """They end the next day (21:00-07:00)."""
        return self.end < self.start

    def contains(self, at: LocalTime) -> bool:
        """Whether a time of day falls in them: the start counts, the end does not."""
        if self.overnight:
            return at >= self.start or at < self.end
        return self.start <= at < self.end

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


class SameStartAndEnd(ValueError):
    """Quiet hours that would start and end at the same time."""
