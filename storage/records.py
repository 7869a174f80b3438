"""Correcting records on SQLite: a referral's edits, withdrawals and amount corrections, and
the earlier referrals a new one may repeat.

A mixin of SqliteRepository (same connection and helpers), kept beside privacy.py so the
statements that change a record after the fact are read together.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from bot.model import BusinessChange, ClosedBusiness, Kind, Referral

if TYPE_CHECKING:
    import aiosqlite


class RecordQueries:
    if TYPE_CHECKING:  # provided by SqliteRepository
        _db: aiosqlite.Connection

        async def _all(self, sql: str, args: Any = ()) -> list[sqlite3.Row]: ...
        async def _one(self, sql: str, args: Any = ()) -> sqlite3.Row | None: ...
        async def referral(self, referral_id: int) -> Referral | None: ...

    async def edit_referral(
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
        r = await self.referral(referral_id)
        assert r is not None
        return r

    async def end_referral(self, referral_id: int, how: str, now: int) -> None:
        """Close a referral for good without an outcome: withdrawn, or its receiver forgotten."""
        await self._db.execute(
            "UPDATE referrals SET ended = ?, ended_at = ?, updated_at = ? WHERE id = ?",
            (how, now, now, referral_id),
        )

    async def business_of(self, referral_id: int) -> ClosedBusiness | None:
        """The closed business recorded for a referral, if it counts."""
        row = await self._one(
            "SELECT * FROM closed_business WHERE referral_id = ? ORDER BY id LIMIT 1",
            (referral_id,),
        )
        return _business(row) if row else None

    async def business(self, business_id: int) -> ClosedBusiness | None:
        row = await self._one("SELECT * FROM closed_business WHERE id = ?", (business_id,))
        return _business(row) if row else None

    async def business_count(self, group_id: int) -> int:
        """How many amounts the group has recorded (that count)."""
        row = await self._one(
            "SELECT COUNT(*) AS n FROM closed_business WHERE group_id = ?", (group_id,)
        )
        return int(row["n"]) if row else 0

    async def correct_business(
        self,
        b: ClosedBusiness,
        amount_cents: int | None,
        repeat: bool,
        *,
        member_id: int,
        note: str | None,
        now: int,
    ) -> None:
        """Replace closed business's amount or new/repeat, or (`amount_cents` None) take it
        out of every count; its history keeps what it was, who changed it and why."""
        await self._db.execute(
            "INSERT INTO business_events (group_id, business_id, referral_id, member_id, note,"
            " at, old_amount_cents, new_amount_cents, old_business, new_business)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                b.group_id,
                b.id,
                b.referral_id,
                member_id,
                note,
                now,
                b.amount_cents,
                amount_cents,
                _kind(b.repeat),
                None if amount_cents is None else _kind(repeat),
            ),
        )
        if amount_cents is None:
            await self._db.execute("DELETE FROM closed_business WHERE id = ?", (b.id,))
        else:
            await self._db.execute(
                "UPDATE closed_business SET amount_cents = ?, business = ? WHERE id = ?",
                (amount_cents, _kind(repeat), b.id),
            )
        if b.referral_id is not None:
            await self._db.execute(
                "UPDATE referrals SET amount_cents = ? WHERE id = ?",
                (amount_cents, b.referral_id),
            )

    async def business_history(self, b: ClosedBusiness) -> list[BusinessChange]:
        """What closed business was before, oldest first: its corrections, and those made
        before this history was kept (a referral's "amount" events)."""
        rows = await self._all(
            "SELECT at, old_amount_cents AS o, new_amount_cents AS n, old_business AS ob,"
            " new_business AS nb, note, id FROM business_events WHERE business_id = :b"
            " UNION ALL SELECT at, old_amount_cents, new_amount_cents, NULL, NULL, note, -id"
            " FROM referral_events WHERE CAST(:r AS BIGINT) IS NOT NULL AND referral_id = :r"
            " AND status = 'amount'"
            " ORDER BY at, id",
            {"b": b.id, "r": b.referral_id},
        )
        return [
            BusinessChange(
                at=r["at"],
                old_cents=r["o"],
                new_cents=r["n"],
                old_repeat=(r["ob"] or _kind(b.repeat)) == "repeat",
                new_repeat=None if r["n"] is None else (r["nb"] or _kind(b.repeat)) == "repeat",
                note=r["note"],
            )
            for r in rows
        ]

    async def referrals_to_compare(
        self, group_id: int, giver_id: int, receiver_id: int, since: int
    ) -> list[Referral]:
        """The referrals a new one from `giver_id` to `receiver_id` could repeat: any in the
        group since `since`, and the pair's own that are still open, however old. Withdrawn
        ones count for nothing."""
        from storage.sqlite import _referral  # the row mapping lives with the repository

        rows = await self._all(
            "SELECT * FROM referrals WHERE group_id = :g AND created_at >= :s"
            " AND COALESCE(ended, '') <> 'withdrawn'"
            " UNION SELECT * FROM referrals WHERE giver_id = :giver AND receiver_id = :receiver"
            " AND status NOT IN ('won', 'lost') AND ended IS NULL"
            " ORDER BY created_at, id",
            {"g": group_id, "s": since, "giver": giver_id, "receiver": receiver_id},
        )
        return [_referral(r) for r in rows]

    async def referral_history(self, referral_id: int) -> list[dict[str, Any]]:
        """A referral's history, oldest first: status changes, edits, corrections."""
        rows = await self._all(
            "SELECT member_id, status, note, at, old_amount_cents, new_amount_cents"
            " FROM referral_events WHERE referral_id = ? ORDER BY at, id",
            (referral_id,),
        )
        return [dict(r) for r in rows]


def _kind(repeat: bool) -> str:
    return "repeat" if repeat else "new"


def _business(r: sqlite3.Row) -> ClosedBusiness:
    return ClosedBusiness(
        id=r["id"],
        group_id=r["group_id"],
        referral_id=r["referral_id"],
        giver_id=r["giver_id"],
        receiver_id=r["receiver_id"],
        amount_cents=r["amount_cents"],
        currency=r["currency"],
        repeat=r["business"] == "repeat",
        at=r["at"],
    )
