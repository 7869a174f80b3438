"""Correcting records on SQLite: a referral's edits, withdrawals and amount corrections, and
the earlier referrals a new one may repeat.

A mixin of SqliteRepository (same connection and helpers), kept beside privacy.py so the
statements that change a record after the fact are read together.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from bot.model import Kind, Referral

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

    async def business_of(self, referral_id: int) -> tuple[int, bool] | None:
        """The closed business recorded for a referral: (amount in minor units, repeat)."""
        row = await self._one(
            "SELECT amount_cents, business FROM closed_business WHERE referral_id = ?"
            " ORDER BY id LIMIT 1",
            (referral_id,),
        )
        return (row["amount_cents"], row["business"] == "repeat") if row else None

    async def correct_business(self, referral_id: int, amount_cents: int, repeat: bool) -> None:
        """Replace a referral's recorded closed business; its history keeps the old value."""
        await self._db.execute(
            "UPDATE closed_business SET amount_cents = ?, business = ? WHERE id ="
            " (SELECT id FROM closed_business WHERE referral_id = ? ORDER BY id LIMIT 1)",
            (amount_cents, "repeat" if repeat else "new", referral_id),
        )
        await self._db.execute(
            "UPDATE referrals SET amount_cents = ? WHERE id = ?", (amount_cents, referral_id)
        )

    async def referrals_to_compare(
        self, group_id: int, giver_id: int, receiver_id: int, since: int
    ) -> list[Referral]:
        """The referrals a new one from `giver_id` to `receiver_id` could repeat: any in the
        group since `since`, and the pair's own that are still open, however old. Withdrawn
        ones count for nothing."""
        from storage.sqlite import _referral  # the row mapping lives with the repository

        rows = await self._all(
            "SELECT * FROM referrals WHERE group_id = :g AND created_at >= :s"
            " AND ended IS NOT 'withdrawn'"
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
