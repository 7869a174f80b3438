"""Groups on SQLite: a chapter, its channel, its weekly meeting and skipped weeks, and the
admin's settings.
"""

from __future__ import annotations

from bot.model import ChannelRef, Group, Meeting, UserRef
from storage.sqlite.base import Store, _group


class SqliteGroups(Store):
    async def get(self, group_id: int) -> Group | None:
        row = await self._one("SELECT * FROM groups WHERE id = ?", (group_id,))
        return _group(row) if row else None

    async def by_channel(self, channel: ChannelRef) -> Group | None:
        row = await self._one(
            "SELECT * FROM groups WHERE platform = ? AND workspace = ? AND channel_id = ?",
            (channel.platform, channel.workspace, channel.channel_id),
        )
        return _group(row) if row else None

    async def of_user(self, user: UserRef) -> list[Group]:
        rows = await self._all(
            "SELECT g.* FROM groups g JOIN members m ON m.group_id = g.id"
            " WHERE m.platform = ? AND m.workspace = ? AND m.user_id = ? AND m.active = 1"
            " ORDER BY g.id",
            (user.platform, user.workspace, user.user_id),
        )
        return [_group(r) for r in rows]

    async def create(
        self,
        channel: ChannelRef,
        name: str,
        tz: str,
        currency: str,
        now: int,
        locale: str | None = None,
    ) -> Group:
        gid = await self._insert(
            "INSERT INTO groups (platform, workspace, channel_id, channel_name, name, tz, currency,"
            " created_at, locale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                channel.platform,
                channel.workspace,
                channel.channel_id,
                channel.name,
                name,
                tz,
                currency,
                now,
                locale,
            ),
        )
        group = await self.get(gid)
        assert group is not None
        return group

    async def set_meeting(self, group_id: int, meeting: Meeting) -> None:
        await self._db.execute(
            "UPDATE groups SET meeting_weekday = ?, meeting_time = ?, tz = ?,"
            " meeting_where = ? WHERE id = ?",
            (meeting.weekday, meeting.time, meeting.tz, meeting.where or None, group_id),
        )

    async def add_skip(self, group_id: int, day: str) -> bool:
        cur = await self._db.execute(
            "INSERT INTO meeting_skips (group_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (group_id, day),
        )
        return cur.rowcount == 1

    async def skips(self, group_id: int) -> set[str]:
        rows = await self._all("SELECT day FROM meeting_skips WHERE group_id = ?", (group_id,))
        return {r["day"] for r in rows}

    async def settings(self, group_id: int) -> dict[str, str]:
        rows = await self._all(
            "SELECT key, value FROM group_settings WHERE group_id = ?", (group_id,)
        )
        return {r["key"]: r["value"] for r in rows}

    async def set_setting(self, group_id: int, key: str, value: str | None) -> None:
        if value is None:
            await self._db.execute(
                "DELETE FROM group_settings WHERE group_id = ? AND key = ?", (group_id, key)
            )
        else:
            await self._db.execute(
                "INSERT INTO group_settings (group_id, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT (group_id, key) DO UPDATE SET value = excluded.value",
                (group_id, key, value),
            )

    async def set_currency(self, group_id: int, currency: str) -> None:
        await self._db.execute("UPDATE groups SET currency = ? WHERE id = ?", (currency, group_id))

    async def set_locale(self, group_id: int, locale: str | None) -> None:
        await self._db.execute("UPDATE groups SET locale = ? WHERE id = ?", (locale, group_id))

    async def note_meeting_set(self, group_id: int, now: int) -> None:
        """The first time a group sets its weekly meeting; later changes keep that date."""
        await self._db.execute(
            "UPDATE groups SET meeting_since = COALESCE(meeting_since, ?) WHERE id = ?",
            (now, group_id),
        )

    async def meeting_since(self, group_id: int) -> int | None:
        row = await self._one("SELECT meeting_since FROM groups WHERE id = ?", (group_id,))
        return row["meeting_since"] if row else None

    async def delivery_problem(self, group_id: int) -> str | None:
        """What the group's admins were last told stops its posts (None: nothing now)."""
        row = await self._one("SELECT delivery_problem FROM groups WHERE id = ?", (group_id,))
        return row["delivery_problem"] if row else None

    async def set_delivery_problem(self, group_id: int, problem: str | None) -> None:
        # (clearing is asked at every post that goes through: a write only when there is one)
        await self._db.execute(
            "UPDATE groups SET delivery_problem = ? WHERE id = ?"
            f" AND {self.dialect.distinct('delivery_problem', '?')}",
            (problem, group_id, problem),
        )
