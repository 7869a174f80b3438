"""PALMS on SQLite (and PostgreSQL): substitutes, the absence rule's counts and notices, and
each member's numbers for the PALMS report."""

from __future__ import annotations

from storage.sqlite.base import Store


class SqlitePalms(Store):
    async def set_substitute(
        self, group_id: int, member_id: int, day: str, name: str, email: str | None
    ) -> None:
        await self._db.execute(
            "INSERT INTO attendance (group_id, member_id, day, sub_name, sub_email)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (member_id, day) DO UPDATE SET"
            " sub_name = excluded.sub_name, sub_email = excluded.sub_email",
            (group_id, member_id, day, name, email),
        )

    async def substitutes(self, group_id: int, day: str) -> list[tuple[int, str, str | None]]:
        """(member id, substitute's name, email) expected or recorded on one meeting day."""
        rows = await self._all(
            "SELECT a.member_id, a.sub_name, a.sub_email FROM attendance a"
            " JOIN members m ON m.id = a.member_id AND m.active = 1"
            " WHERE a.group_id = ? AND a.day = ? AND a.sub_name IS NOT NULL"
            " AND (a.status = 'substitute' OR (a.status IS NULL AND a.rsvp = 'substitute'))"
            " ORDER BY m.joined_at, m.id",
            (group_id, day),
        )
        return [(r["member_id"], r["sub_name"], r["sub_email"]) for r in rows]

    async def counted_days(
        self, member_id: int, since_day: str, until_day: str, states: list[str]
    ) -> list[str]:
        """The meeting days in [since_day, until_day] the member's record is one of `states`."""
        if not states:
            return []
        marks = ", ".join("?" for _ in states)
        rows = await self._all(
            "SELECT day FROM attendance WHERE member_id = ? AND day >= ? AND day <= ?"
            f" AND status IN ({marks}) ORDER BY day",
            (member_id, since_day, until_day, *states),
        )
        return [r["day"] for r in rows]

    async def note_notice(
        self, group_id: int, member_id: int, day: str, kind: str, now: int
    ) -> bool:
        """Remember that the absence on `day` set off a notice; False: it already had."""
        row = await self._one(
            "SELECT 1 FROM absence_notices WHERE member_id = ? AND day = ? AND kind = ?",
            (member_id, day, kind),
        )
        if row is not None:
            return False
        await self._db.execute(
            "INSERT INTO absence_notices (group_id, member_id, day, kind, at) VALUES (?, ?, ?, ?, ?)",
            (group_id, member_id, day, kind, now),
        )
        return True

    async def noticed_since(self, member_id: int, kind: str, since: str) -> bool:
        """Whether an absence on or after `since` already set off a notice of this kind."""
        row = await self._one(
            "SELECT 1 FROM absence_notices WHERE member_id = ? AND kind = ? AND day >= ?",
            (member_id, kind, since),
        )
        return row is not None

    async def report(
        self, group_id: int, since_day: str, until_day: str, since: int, until: int
    ) -> dict[int, dict[str, int]]:
        """Member id → their PALMS numbers: attendance by status over the meeting days in
        [since_day, until_day]; referrals given and received inside and outside the group,
        visitors invited, 1-2-1s and closed business received (hundredths) over [since, until)."""
        out: dict[int, dict[str, int]] = {}

        def add(member_id: int, key: str, n: int) -> None:
            row = out.setdefault(member_id, {})
            row[key] = row.get(key, 0) + int(n)

        for r in await self._all(
            "SELECT member_id, status, COUNT(*) AS n FROM attendance WHERE group_id = ?"
            " AND day >= ? AND day <= ? AND status IS NOT NULL GROUP BY member_id, status",
            (group_id, since_day, until_day),
        ):
            add(r["member_id"], r["status"], r["n"])
        live = (
            "FROM referrals WHERE group_id = ? AND kind = 'referral' AND created_at >= ?"
            " AND created_at < ? AND COALESCE(ended, '') <> 'withdrawn'"
        )
        for who, key in (("giver_id", "given"), ("receiver_id", "received")):
            for r in await self._all(
                f"SELECT {who} AS m, inside, COUNT(*) AS n {live} GROUP BY {who}, inside",
                (group_id, since, until),
            ):
                add(r["m"], f"{key}_{'inside' if r['inside'] else 'outside'}", r["n"])
        for r in await self._all(
            "SELECT invited_by AS m, COUNT(*) AS n FROM visitors WHERE group_id = ?"
            " AND at >= ? AND at < ? AND invited_by IS NOT NULL GROUP BY invited_by",
            (group_id, since, until),
        ):
            add(r["m"], "visitors", r["n"])
        for column in ("member_a", "member_b"):
            for r in await self._all(
                f"SELECT {column} AS m, COUNT(*) AS n FROM one_to_ones WHERE group_id = ?"
                f" AND met_at >= ? AND met_at < ? GROUP BY {column}",
                (group_id, since, until),
            ):
                add(r["m"], "one_to_ones", r["n"])
        for r in await self._all(
            "SELECT receiver_id AS m, SUM(amount_cents) AS n FROM closed_business"
            " WHERE group_id = ? AND at >= ? AND at < ? GROUP BY receiver_id",
            (group_id, since, until),
        ):
            add(r["m"], "business_cents", r["n"])
        return out
