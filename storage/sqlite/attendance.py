"""Attendance on SQLite: RSVPs, who came to a meeting, and visitors."""

from __future__ import annotations

from storage.sqlite.base import Store


class SqliteAttendance(Store):
    async def set_rsvp(self, group_id: int, member_id: int, day: str, rsvp: str) -> None:
        await self._db.execute(
            "INSERT INTO attendance (group_id, member_id, day, rsvp) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (member_id, day) DO UPDATE SET rsvp = excluded.rsvp",
            (group_id, member_id, day, rsvp),
        )

    async def set_status(self, group_id: int, member_id: int, day: str, status: str) -> None:
        await self._db.execute(
            "INSERT INTO attendance (group_id, member_id, day, status) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (member_id, day) DO UPDATE SET status = excluded.status",
            (group_id, member_id, day, status),
        )

    async def on_day(self, group_id: int, day: str) -> dict[int, tuple[str | None, str | None]]:
        """member id → (rsvp, confirmed status) for one meeting."""
        rows = await self._all(
            "SELECT member_id, rsvp, status FROM attendance WHERE group_id = ? AND day = ?",
            (group_id, day),
        )
        return {r["member_id"]: (r["rsvp"], r["status"]) for r in rows}

    async def of_member(self, member_id: int, since_day: str, until_day: str) -> dict[str, int]:
        """How often a member was present, late, absent or sent a substitute (confirmed)."""
        rows = await self._all(
            "SELECT status, COUNT(*) AS n FROM attendance WHERE member_id = ? AND day >= ?"
            " AND day < ? AND status IS NOT NULL GROUP BY status",
            (member_id, since_day, until_day),
        )
        return {r["status"]: r["n"] for r in rows}

    async def add_visitor(self, group_id: int, name: str, invited_by: int | None, now: int) -> None:
        await self._db.execute(
            "INSERT INTO visitors (group_id, name, invited_by, at) VALUES (?, ?, ?, ?)",
            (group_id, name, invited_by, now),
        )

    async def visitors_between(
        self, group_id: int, since: int, until: int
    ) -> list[tuple[str, int | None]]:
        rows = await self._all(
            "SELECT name, invited_by FROM visitors WHERE group_id = ? AND at >= ? AND at < ?"
            " ORDER BY at, id",
            (group_id, since, until),
        )
        return [(r["name"], r["invited_by"]) for r in rows]
