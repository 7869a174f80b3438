"""The group's seats and meetings on SQLite: joins waiting for an admin to allow a seat in a
trade already held, when the weekly meeting was first set, and a post held back until the
file it names is written.

A mixin of SqliteRepository (it uses the same connection and helpers), like PrivacyQueries.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from bot.model import UserRef
from bot.out import OutMessage
from bot.ports import SeatRequest

if TYPE_CHECKING:
    import aiosqlite


def _request(r: sqlite3.Row) -> SeatRequest:
    return SeatRequest(
        id=r["id"],
        group_id=r["group_id"],
        user=UserRef(r["platform"], r["workspace"], r["user_id"], r["display_name"]),
        classification=r["classification"],
        holder_id=r["holder_id"],
        at=r["at"],
    )


class GroupQueries:
    if TYPE_CHECKING:  # provided by SqliteRepository
        _db: aiosqlite.Connection

        async def _all(self, sql: str, args: Any = ()) -> list[sqlite3.Row]: ...
        async def _one(self, sql: str, args: Any = ()) -> sqlite3.Row | None: ...

    # --- seats waiting for an admin ----------------------------------------------------
    async def add_seat_request(
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
        found = await self.seat_request(group_id, user.user_id)
        assert found is not None
        return found

    async def seat_request(self, group_id: int, user_id: str) -> SeatRequest | None:
        row = await self._one(
            "SELECT * FROM seat_requests WHERE group_id = ? AND user_id = ?", (group_id, user_id)
        )
        return _request(row) if row else None

    async def seat_request_by_id(self, request_id: int) -> SeatRequest | None:
        row = await self._one("SELECT * FROM seat_requests WHERE id = ?", (request_id,))
        return _request(row) if row else None

    async def drop_seat_request(self, group_id: int, user_id: str) -> None:
        await self._db.execute(
            "DELETE FROM seat_requests WHERE group_id = ? AND user_id = ?", (group_id, user_id)
        )

    # --- meetings held -----------------------------------------------------------------
    async def note_meeting_set(self, group_id: int, now: int) -> None:
        """The first time a group sets its weekly meeting; later changes keep that date."""
        await self._db.execute(
            "UPDATE groups SET meeting_since = COALESCE(meeting_since, ?) WHERE id = ?",
            (now, group_id),
        )

    async def meeting_since(self, group_id: int) -> int | None:
        row = await self._one("SELECT meeting_since FROM groups WHERE id = ?", (group_id,))
        return row["meeting_since"] if row else None

    # --- a post that waits for its file ------------------------------------------------
    async def outbox_release_held(self, item_id: int, message: OutMessage, due: int) -> None:
        """Send a held message (queued with a later due time) at `due`, as `message`: the
        monthly recap, once its chart is drawn or known not to be."""
        await self._db.execute(
            "UPDATE outbox SET payload = ?, next_attempt_at = ?, send_at = ?"
            " WHERE id = ? AND state = 'pending'",
            (message.to_json(), due, due, item_id),
        )
