"""Closed business on SQLite: what a referral brought in, corrections to the amount, and
the history of those corrections.
"""

from __future__ import annotations

import sqlite3

from bot.model import BusinessChange, ClosedBusiness
from storage.sqlite.base import Store


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


class SqliteBusiness(Store):
    async def add(
        self,
        *,
        group_id: int,
        referral_id: int | None,
        giver_id: int | None,
        receiver_id: int,
        amount_cents: int,
        currency: str,
        note: str | None,
        now: int,
        repeat: bool = False,
    ) -> int:
        return await self._insert(
            "INSERT INTO closed_business (group_id, referral_id, giver_id, receiver_id,"
            " amount_cents, currency, note, at, business) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                group_id,
                referral_id,
                giver_id,
                receiver_id,
                amount_cents,
                currency,
                note,
                now,
                "repeat" if repeat else "new",
            ),
        )

    async def of_referral(self, referral_id: int) -> ClosedBusiness | None:
        """The closed business recorded for a referral, if it counts."""
        row = await self._one(
            "SELECT * FROM closed_business WHERE referral_id = ? ORDER BY id LIMIT 1",
            (referral_id,),
        )
        return _business(row) if row else None

    async def get(self, business_id: int) -> ClosedBusiness | None:
        row = await self._one("SELECT * FROM closed_business WHERE id = ?", (business_id,))
        return _business(row) if row else None

    async def count(self, group_id: int) -> int:
        """How many amounts the group has recorded (that count)."""
        row = await self._one(
            "SELECT COUNT(*) AS n FROM closed_business WHERE group_id = ?", (group_id,)
        )
        return int(row["n"]) if row else 0

    async def correct(
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

    async def history(self, b: ClosedBusiness) -> list[BusinessChange]:
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
