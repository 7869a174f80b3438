"""Members on SQLite: the roster, a member's profile, and DMs the platform refused."""

from __future__ import annotations

from typing import Unpack

from bot.model import Member, UserRef
from bot.stores import MemberChanges
from storage.sqlite.base import _ROSTER, Store, _member, _rostered


class SqliteMembers(Store):
    async def get(self, group_id: int, user_id: str) -> Member | None:
        row = await self._one(
            "SELECT * FROM members WHERE group_id = ? AND user_id = ?", (group_id, user_id)
        )
        return _member(row) if row else None

    async def by_id(self, member_id: int) -> Member | None:
        row = await self._one("SELECT * FROM members WHERE id = ?", (member_id,))
        return _member(row) if row else None

    async def of_group(self, group_id: int) -> list[Member]:
        rows = await self._all(_ROSTER, (group_id,))
        return [_rostered(*r) for r in rows]

    async def add(self, group_id: int, user: UserRef, is_admin: bool, now: int) -> Member:
        mid = await self._insert(
            "INSERT INTO members (group_id, platform, workspace, user_id, display_name, is_admin,"
            " joined_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                group_id,
                user.platform,
                user.workspace,
                user.user_id,
                user.display_name,
                int(is_admin),
                now,
            ),
        )
        member = await self.by_id(mid)
        assert member is not None
        return member

    _MEMBER_FIELDS = frozenset(
        {
            "display_name",
            "classification",
            "seat_key",
            "ask",
            "email",
            "tz",
            "quiet_hours",
            "dm_enabled",
            "is_admin",
            "active",
            "dm_unreachable_at",
            "suggestions",
        }
    )

    async def update(self, member_id: int, **fields: Unpack[MemberChanges]) -> Member:
        unknown = set(fields) - self._MEMBER_FIELDS
        if unknown:
            raise ValueError(f"unknown member fields: {sorted(unknown)}")
        if fields:
            assignments = ", ".join(f"{name} = ?" for name in fields)
            # SQLite spells a flag 0 or 1: converted here, so the core passes bools
            values = [int(v) if isinstance(v, bool) else v for v in fields.values()]
            await self._db.execute(
                f"UPDATE members SET {assignments} WHERE id = ?", (*values, member_id)
            )
        member = await self.by_id(member_id)
        assert member is not None
        return member

    async def dm_unreachable(self, user: UserRef) -> bool:
        """Whether a DM to this person was refused since they last heard about it (a read)."""
        row = await self._one(
            "SELECT id FROM members WHERE platform = ? AND workspace = ? AND user_id = ?"
            " AND dm_unreachable_at IS NOT NULL LIMIT 1",
            (user.platform, user.workspace, user.user_id),
        )
        return row is not None

    async def take_dm_unreachable(self, user: UserRef) -> bool:
        """Whether a DM to this person was refused since they last heard about it; clears it."""
        # every command asks; almost always the answer is no, which a read finds at a
        # fraction of what an UPDATE that changes nothing costs
        rows = await self._all(
            "SELECT id FROM members WHERE platform = ? AND workspace = ? AND user_id = ?"
            " AND dm_unreachable_at IS NOT NULL",
            (user.platform, user.workspace, user.user_id),
        )
        for row in rows:
            await self._db.execute(
                "UPDATE members SET dm_unreachable_at = NULL WHERE id = ?", (row["id"],)
            )
        return bool(rows)
