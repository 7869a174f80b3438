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

    async def of_members(
        self, windows: list[tuple[int, str]], until_day: str
    ) -> dict[int, dict[str, int]]:
        """How often each member was present, late, absent or sent a substitute (confirmed),
        from their own first day: one query for the whole roster."""
        if not windows:
            return {}
        values = ", ".join(
            f"(CAST(:m{i} AS BIGINT), CAST(:d{i} AS TEXT))" for i in range(len(windows))
        )
        args: dict[str, object] = {"u": until_day}
        for i, (member_id, since_day) in enumerate(windows):
            args.update({f"m{i}": member_id, f"d{i}": since_day})
        rows = await self._all(
            f"WITH w (m, d) AS (VALUES {values})"
            " SELECT w.m, a.status, COUNT(*) AS n FROM w JOIN attendance a"
            " ON a.member_id = w.m AND a.day >= w.d AND a.day < :u AND a.status IS NOT NULL"
            " GROUP BY w.m, a.status",
            args,
        )
        out: dict[int, dict[str, int]] = {m: {} for m, _ in windows}
        for r in rows:
            out[r["m"]][r["status"]] = r["n"]
        return out

    async def add_visitor(self, group_id: int, name: str, invited_by: int | None, now: int) -> None:
        await self._db.execute(
            "INSERT INTO visitors (group_id, name, invited_by, at, status, status_at, attended_at)"
            " VALUES (?, ?, ?, ?, 'attended', ?, ?)",
            (group_id, name, invited_by, now, now, now),
        )

    async def visitors_between(
        self, group_id: int, since: int, until: int
    ) -> list[tuple[str, int | None]]:
        """The visitors who came to a meeting in the window: recorded as attended, or moved
        there along the pipeline (one who only said they would come is not welcomed)."""
        rows = await self._all(
            "SELECT name, invited_by FROM visitors WHERE group_id = ? AND attended_at >= ?"
            " AND attended_at < ? ORDER BY attended_at, id",
            (group_id, since, until),
        )
        return [(r["name"], r["invited_by"]) for r in rows]
