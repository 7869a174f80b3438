"""A clock the console script controls: fixed at --now and moved by :advance / :at, or the
real time plus whatever the script advanced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ConsoleClock:
    def __init__(self, start: datetime | None = None) -> None:
        self._fixed = start.astimezone(UTC) if start else None
        self._offset = timedelta(0)

    def now(self) -> datetime:
        if self._fixed is not None:
            return self._fixed
        return datetime.now(UTC) + self._offset

    def set(self, at: datetime) -> None:
        if self._fixed is not None:
            self._fixed = at.astimezone(UTC)
        else:
            self._offset = at.astimezone(UTC) - datetime.now(UTC)
