"""Referrals and leads on SQLite: logging them, their status and history, and correcting
them after the fact (edits, withdrawals, the earlier referrals a new one may repeat).
"""

from __future__ import annotations

from typing import Any

from bot.model import Kind, Referral, Status
from storage.sqlite.base import Store, _referral


class SqliteReferrals(Store):
    async def add(
        self,
        *,
        group_id: int,
        giver_id: int,
        receiver_id: int,
        kind: Kind,
        prospect: str,
        email: str | None,
        phone: str | None,
        need: str | None,
        heat: int,
        inside: bool,
        now: int,
        request_key: str | None,
        heat_given: bool = True,
        source: str | None = None,
    ) -> Referral:
        # the source only when said: the statement is the same as before the column came
        source_col, source_val = (", source", ", ?") if source is not None else ("", "")
        rid = await self._insert(
            "INSERT INTO referrals (group_id, giver_id, receiver_id, kind, prospect, email, phone,"
            f" need, heat, inside, created_at, updated_at, request_key, heat_given{source_col})"
            f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?{source_val})",
            (
                group_id,
                giver_id,
                receiver_id,
                kind.value,
                prospect,
                email,
                phone,
                need,
                heat,
                int(inside),
                now,
                now,
                request_key,
                int(heat_given),
                *((source,) if source is not None else ()),
            ),
        )
        referral = await self.get(rid)
        assert referral is not None
        return referral

    async def get(self, referral_id: int) -> Referral | None:
        row = await self._one("SELECT * FROM referrals WHERE id = ?", (referral_id,))
        return _referral(row) if row else None

    async def of_member(self, member_id: int, which: str, limit: int) -> list[Referral]:
        """A member's referrals and leads, newest first: given, received, open (received and
        not closed), given_open (given and not closed) or all. Newest is the last logged (the highest id), whatever the clock
        said when each was logged: a clock set back must not reorder them."""
        if which == "given":
            where, args = "giver_id = ?", (member_id,)
        elif which == "received":
            where, args = "receiver_id = ?", (member_id,)
        elif which == "open":
            where, args = (
                "receiver_id = ? AND status NOT IN ('won', 'lost') AND ended IS NULL",
                (member_id,),
            )
        elif which == "given_open":
            where, args = (
                "giver_id = ? AND status NOT IN ('won', 'lost') AND ended IS NULL",
                (member_id,),
            )
        else:
            rows = await self._all(
                "SELECT * FROM (SELECT * FROM referrals WHERE giver_id = ?"
                " UNION ALL SELECT * FROM referrals WHERE receiver_id = ?) AS mine"
                " ORDER BY id DESC LIMIT ?",
                (member_id, member_id, limit),
            )
            return [_referral(r) for r in rows]
        rows = await self._all(
            f"SELECT * FROM referrals WHERE {where} ORDER BY id DESC LIMIT ?",
            (*args, limit),
        )
        return [_referral(r) for r in rows]

    async def set_status(
        self, referral_id: int, status: Status, amount_cents: int | None, now: int
    ) -> None:
        await self._db.execute(
            "UPDATE referrals SET status = ?, amount_cents = COALESCE(?, amount_cents),"
            " updated_at = ? WHERE id = ?",
            (status.value, amount_cents, now, referral_id),
        )

    async def add_event(
        self,
        referral_id: int,
        member_id: int,
        status: Status | str,
        note: str | None,
        now: int,
        old_amount_cents: int | None = None,
        new_amount_cents: int | None = None,
    ) -> None:
        """A line of the referral's history: a status change, or (by name) "edited",
        "withdrawn", "amount" (with the amounts), "also_referred"."""
        await self._db.execute(
            "INSERT INTO referral_events (referral_id, member_id, status, note, at,"
            " old_amount_cents, new_amount_cents) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                referral_id,
                member_id,
                str(status.value if isinstance(status, Status) else status),
                note,
                now,
                old_amount_cents,
                new_amount_cents,
            ),
        )

    async def mark_thanked(self, referral_id: int, now: int) -> None:
        await self._db.execute(
            "UPDATE referrals SET thanked_at = COALESCE(thanked_at, ?) WHERE id = ?",
            (now, referral_id),
        )

    async def edit(
        self,
        referral_id: int,
        *,
        kind: Kind,
        prospect: str,
        email: str | None,
        phone: str | None,
        need: str | None,
        heat: int,
        heat_given: bool,
        now: int,
    ) -> Referral:
        """The giver's corrected details; a lead given an email or phone becomes a referral."""
        await self._db.execute(
            "UPDATE referrals SET kind = ?, prospect = ?, email = ?, phone = ?, need = ?,"
            " heat = ?, heat_given = ?, updated_at = ? WHERE id = ?",
            (
                kind.value,
                prospect,
                email,
                phone,
                need,
                heat,
                int(heat_given),
                now,
                referral_id,
            ),
        )
        r = await self.get(referral_id)
        assert r is not None
        return r

    async def end(self, referral_id: int, how: str, now: int) -> None:
        """Close a referral for good without an outcome: withdrawn, or its receiver forgotten."""
        await self._db.execute(
            "UPDATE referrals SET ended = ?, ended_at = ?, updated_at = ? WHERE id = ?",
            (how, now, now, referral_id),
        )

    async def to_compare(
        self, group_id: int, giver_id: int, receiver_id: int, since: int
    ) -> list[Referral]:
        """The referrals a new one from `giver_id` to `receiver_id` could repeat: any in the
        group since `since`, and the pair's own that are still open, however old. Withdrawn
        ones count for nothing."""
        rows = await self._all(
            "SELECT * FROM referrals WHERE group_id = :g AND created_at >= :s"
            " AND COALESCE(ended, '') <> 'withdrawn'"
            " UNION SELECT * FROM referrals WHERE giver_id = :giver AND receiver_id = :receiver"
            " AND status NOT IN ('won', 'lost') AND ended IS NULL"
            " ORDER BY created_at, id",
            {"g": group_id, "s": since, "giver": giver_id, "receiver": receiver_id},
        )
        return [_referral(r) for r in rows]

    async def history(self, referral_id: int) -> list[dict[str, Any]]:
        """A referral's history, oldest first: status changes, edits, corrections."""
        rows = await self._all(
            "SELECT member_id, status, note, at, old_amount_cents, new_amount_cents"
            " FROM referral_events WHERE referral_id = ? ORDER BY at, id",
            (referral_id,),
        )
        return [dict(r) for r in rows]

    async def given_by_source(self, giver_id: int, since: int, until: int) -> dict[str, int]:
        """Referrals and leads a member gave in [since, until) that said their source, counted
        by it (withdrawn ones count nowhere)."""
        rows = await self._all(
            "SELECT source, COUNT(*) AS n FROM referrals WHERE giver_id = ? AND created_at >= ?"
            " AND created_at < ? AND source IS NOT NULL AND COALESCE(ended, '') <> 'withdrawn'"
            " GROUP BY source",
            (giver_id, since, until),
        )
        return {r["source"]: int(r["n"]) for r in rows}
