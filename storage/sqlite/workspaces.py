"""Workspaces the app was taken out of, on SQLite: recording the departure, dropping what was
queued for it, and erasing its groups' personal data once the grace period is over.

The unit of work's `workspaces` store; the rules (when, and what a
return undoes) are the core's (bot.workspaces).
"""

from __future__ import annotations

from storage.sqlite.base import Store
from storage.sqlite.outbox import dm_target_prefix
from storage.sqlite.privacy import FORGOTTEN_NAME

ERASED = "erased"

# a queued post goes to the workspace when its conversation (lane) is there; a DM when it was
# queued there (its lane may be the person's alone: storage.sqlite.outbox.ONE_DM_CHANNEL)
_LANES = "(target LIKE :dm ESCAPE '\\' OR lane LIKE :post ESCAPE '\\')"


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _lanes(platform: str, workspace: str) -> dict[str, str]:
    where = f"{_like(platform)}:{_like(workspace)}:%"
    return {"dm": _like(dm_target_prefix(platform, workspace)) + "%", "post": "post:" + where}


class SqliteWorkspaces(Store):
    async def left(self, platform: str, workspace: str, reason: str, now: int) -> int:
        """Record that the app left `workspace` (the first departure's time is kept) and fail
        every message queued for it, not yet going out, with `reason`. Returns how many."""
        await self._db.execute(
            "INSERT INTO workspace_departures (platform, workspace, left_at, reason)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (platform, workspace) DO NOTHING",
            (platform, workspace, now, reason),
        )
        cur = await self._db.execute(
            "UPDATE outbox SET state = 'failed', last_error = :reason"
            f" WHERE state = 'pending' AND {_LANES}",
            {"reason": reason, **_lanes(platform, workspace)},
        )
        return int(cur.rowcount)

    async def back(self, platform: str, workspace: str) -> bool:
        """The app is back in `workspace`: nothing of it is erased. False if it never left."""
        cur = await self._db.execute(
            "DELETE FROM workspace_departures WHERE platform = ? AND workspace = ?",
            (platform, workspace),
        )
        return cur.rowcount > 0

    async def gone(self, platform: str, workspace: str) -> bool:
        row = await self._one(
            "SELECT 1 FROM workspace_departures WHERE platform = ? AND workspace = ?",
            (platform, workspace),
        )
        return row is not None

    async def left_before(self, before: int) -> list[tuple[str, str]]:
        rows = await self._all(
            "SELECT platform, workspace FROM workspace_departures WHERE left_at < ?"
            " ORDER BY left_at",
            (before,),
        )
        return [(r["platform"], r["workspace"]) for r in rows]

    async def erase(self, platform: str, workspace: str, now: int) -> int:
        """Erase the personal data of the workspace's groups: each member as forget-me
        leaves them (an anonymous "former member"), the prospects' names, needs and contact
        details, every note, visitors' names, and every stored message and request of the
        workspace; its groups' meetings and due work (claimed or not) go, so nothing is
        planned or sent there again. Only the group's own rows are touched (never by a name, which another
        workspace's member may share); the anonymous rows stay, so the totals do too. The
        departure is then closed. Returns how many members were erased."""
        groups = [
            r["id"]
            for r in await self._all(
                "SELECT id FROM groups WHERE platform = ? AND workspace = ?", (platform, workspace)
            )
        ]
        erased = 0
        for group_id in groups:
            args = {"g": group_id, "erased": ERASED, "name": FORGOTTEN_NAME, "now": now}
            cur = await self._db.execute(
                "UPDATE members SET user_id = 'forgotten-' || id, display_name = :name,"
                " classification = NULL, seat_key = NULL, ask = NULL, email = NULL, tz = NULL,"
                " quiet_hours = NULL, dm_enabled = 0, active = 0, is_admin = 0,"
                " dm_unreachable_at = NULL, forgotten_at = :now"
                " WHERE group_id = :g AND forgotten_at IS NULL",
                args,
            )
            erased += int(cur.rowcount)
            for sql in (
                "UPDATE referrals SET prospect = :erased, email = NULL, phone = NULL,"
                " need = NULL WHERE group_id = :g",
                "UPDATE referral_events SET note = NULL"
                " WHERE referral_id IN (SELECT id FROM referrals WHERE group_id = :g)",
                "UPDATE business_events SET note = NULL WHERE group_id = :g",
                "UPDATE thanks SET note = NULL WHERE group_id = :g",
                "UPDATE closed_business SET note = NULL WHERE group_id = :g",
                "UPDATE one_to_ones SET note = NULL WHERE group_id = :g",
                "UPDATE visitors SET name = :erased, email = NULL, phone = NULL, note = NULL"
                " WHERE group_id = :g",
                "UPDATE meeting_slots SET topic = NULL WHERE group_id = :g",
                # what forget-me clears for each member: a substitute is a third party, the
                # people a member keeps in touch with are outside the group; roles, renewal
                # dates and leave, cards (phone, website) are the members' own
                "UPDATE attendance SET sub_name = NULL, sub_email = NULL WHERE group_id = :g",
                "DELETE FROM member_roles WHERE group_id = :g",
                "DELETE FROM member_terms WHERE group_id = :g",
                "DELETE FROM member_cards"
                " WHERE member_id IN (SELECT id FROM members WHERE group_id = :g)",
                "DELETE FROM keep_in_touch"
                " WHERE member_id IN (SELECT id FROM members WHERE group_id = :g)",
                # the private calendar feed's address stops answering
                "DELETE FROM calendar_feeds WHERE group_id = :g",
                "DELETE FROM seat_requests WHERE group_id = :g",
                # nothing plans its work again: no meeting, and what a worker still holds
                # (or died holding) loses its claim, so what that worker planned is undone
                "UPDATE groups SET channel_name = '', meeting_weekday = NULL,"
                " meeting_time = NULL, meeting_where = NULL WHERE id = :g",
                "UPDATE due_work SET state = 'cancelled', done_at = :now, note = 'erased'"
                " WHERE group_id = :g AND state IN ('pending', 'running')",
                "DELETE FROM outbox WHERE group_id = :g",
            ):
                await self._db.execute(sql, args)
        # messages to its people queued for no group, whatever their age: by their target
        j = self.dialect.json_text
        await self._db.execute(
            f"DELETE FROM outbox WHERE COALESCE({j('target', 'dm', 0)},"
            f" {j('target', 'post', 0)}) = :p AND COALESCE({j('target', 'dm', 1)},"
            f" {j('target', 'post', 1)}) = :w",
            {"p": platform, "w": workspace},
        )
        await self._db.execute(
            "DELETE FROM requests WHERE key LIKE ? ESCAPE '\\'",
            (f"{_like(platform)}:{_like(workspace)}:%",),
        )
        await self._db.execute(
            "DELETE FROM workspace_departures WHERE platform = ? AND workspace = ?",
            (platform, workspace),
        )
        return erased

    async def installed_at(self, platform: str, workspace: str) -> int | None:
        """When the app's current installation in `workspace` was saved; None when it is not
        installed there (or the platform keeps no installations)."""
        return await self._uow.slack_installations.installed_at(platform, workspace)

    async def uninstall(self, platform: str, workspace: str) -> int:
        """Forget the app's installation (its token) in `workspace`."""
        return await self._uow.slack_installations.uninstall(platform, workspace)

    async def prune_install_states(self, now: int) -> int:
        """Forget the install links (OAuth states) that expired before `now`, never used."""
        return await self._uow.slack_installations.prune_states(now)
