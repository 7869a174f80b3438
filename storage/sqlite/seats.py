"""Seats on SQLite: who holds a trade's seat, the seats the group wants filled, and joins
waiting for an admin to allow a seat in a trade already held.
"""

from __future__ import annotations

import sqlite3

from bot.model import Member, UserRef
from bot.ports import SeatRequest
from storage.sqlite.base import Store, _member


def _request(r: sqlite3.Row) -> SeatRequest:
    return SeatRequest(
        id=r["id"],
        group_id=r["group_id"],
        user=UserRef(r["platform"], r["workspace"], r["user_id"], r["display_name"]),
        classification=r["classification"],
        holder_id=r["holder_id"],
        at=r["at"],
    )


class SqliteSeats(Store):
    async def holder(self, group_id: int, key: str) -> Member | None:
        row = await self._one(
            "SELECT * FROM members WHERE group_id = ? AND seat_key = ? AND active = 1",
            (group_id, key),
        )
        return _member(row) if row else None

    async def wanted(self, group_id: int) -> list[str]:
        rows = await self._all(
            "SELECT classification FROM wanted_seats WHERE group_id = ? ORDER BY seat_key",
            (group_id,),
        )
        return [r["classification"] for r in rows]

    async def add_wanted(self, group_id: int, key: str, classification: str) -> bool:
        cur = await self._db.execute(
            "INSERT INTO wanted_seats (group_id, seat_key, classification)"
            " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (group_id, key, classification),
        )
        return cur.rowcount == 1

    async def remove_wanted(self, group_id: int, key: str) -> bool:
        cur = await self._db.execute(
            "DELETE FROM wanted_seats WHERE group_id = ? AND seat_key = ?", (group_id, key)
        )
        return cur.rowcount == 1

    async def add_request(
        self, group_id: int, user: UserRef, classification: str, holder_id: int, now: int
    ) -> SeatRequest:
        """Remember (or renew) a person's request for a seat in a trade already held."""
        await self._db.execute(
            "INSERT INTO seat_requests (group_id, platform, workspace, user_id, display_name,"
            " classification, holder_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (group_id, user_id) DO UPDATE SET display_name = excluded.display_name,"
            " classification = excluded.classification, holder_id = excluded.holder_id,"
            " at = excluded.at",
            (
                group_id,
                user.platform,
                user.workspace,
                user.user_id,
                user.display_name,
                classification,
                holder_id,
                now,
            ),
        )
        found = await self.request(group_id, user.user_id)
        assert found is not None
        return found

    async def request(self, group_id: int, user_id: str) -> SeatRequest | None:
        row = await self._one(
            "SELECT * FROM seat_requests WHERE group_id = ? AND user_id = ?", (group_id, user_id)
        )
        return _request(row) if row else None

    async def request_by_id(self, request_id: int) -> SeatRequest | None:
        row = await self._one("SELECT * FROM seat_requests WHERE id = ?", (request_id,))
        return _request(row) if row else None

    async def drop_request(self, group_id: int, user_id: str) -> None:
        await self._db.execute(
            "DELETE FROM seat_requests WHERE group_id = ? AND user_id = ?", (group_id, user_id)
        )
