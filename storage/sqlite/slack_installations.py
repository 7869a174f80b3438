"""Slack installations and OAuth states on SQLite: one row per workspace the app is installed
in (its bot token among them: the database and its backups are secrets), and the states
handed to installers' browsers, each good once, until it expires.

The unit of work's `slack_installations` store. It stores plain values; the adapter
(adapters.slack.installations) turns them into slack-sdk's own types, and the core
(bot.workspaces) asks through the `workspaces` store, which asks `installed_at` and
`uninstall` here, whether and since when the app is installed in a workspace.
"""

from __future__ import annotations

from typing import Any

from storage.sqlite.base import Store

INSTALLATION_COLUMNS = (
    "team_id",
    "enterprise_id",
    "app_id",
    "team_name",
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "installer_id",
    "is_enterprise_install",
    "installed_at",
)
_INSTALLATION_KEY = ("enterprise_id", "team_id")
SLACK = "slack"  # the only platform whose installations Rapport keeps


class SqliteSlackInstallations(Store):
    async def save(self, row: dict[str, Any]) -> None:
        """Insert or replace the workspace's installation (a re-install brings a new token)."""
        values = {c: row.get(c) for c in INSTALLATION_COLUMNS}
        values["enterprise_id"] = values["enterprise_id"] or ""
        values["is_enterprise_install"] = int(bool(values["is_enterprise_install"]))
        columns = ", ".join(INSTALLATION_COLUMNS)
        names = ", ".join(":" + c for c in INSTALLATION_COLUMNS)
        updates = ", ".join(
            f"{c} = excluded.{c}" for c in INSTALLATION_COLUMNS if c not in _INSTALLATION_KEY
        )
        await self._db.execute(
            f"INSERT INTO slack_installations ({columns}) VALUES ({names})"
            f" ON CONFLICT ({', '.join(_INSTALLATION_KEY)}) DO UPDATE SET {updates}",
            values,
        )

    async def get(self, enterprise_id: str | None, team_id: str | None) -> dict[str, Any] | None:
        """The installation for the workspace (or, with no team, the org-wide one). Without
        an enterprise id (the messenger knows only a group's team), the team's installation
        whatever its org: team ids are unique across Slack."""
        row = await self._one(
            "SELECT * FROM slack_installations WHERE (enterprise_id = :e OR :e = '')"
            " AND (team_id = :t OR (:t = '' AND is_enterprise_install = 1))"
            " ORDER BY installed_at DESC LIMIT 1",
            {"e": enterprise_id or "", "t": team_id or ""},
        )
        return dict(row) if row is not None else None

    async def delete(self, enterprise_id: str | None, team_id: str | None) -> int:
        """Delete the workspace's installation. Found as `get` finds it: a
        team's installation whatever org it was saved under (team ids are unique across
        Slack), the org's org-wide one when no team is given."""
        cur = await self._db.execute(
            "DELETE FROM slack_installations WHERE (:t != '' AND team_id = :t)"
            " OR (:t = '' AND is_enterprise_install = 1 AND enterprise_id = :e)",
            {"e": enterprise_id or "", "t": team_id or ""},
        )
        return int(cur.rowcount)

    async def installed_at(self, platform: str, workspace: str) -> int | None:
        """When the app's current installation in `workspace` was saved; None when it is not
        installed there (or the platform keeps no installations)."""
        if platform != SLACK:
            return None
        row = await self._one(
            "SELECT max(installed_at) AS at FROM slack_installations WHERE team_id = ?",
            (workspace,),
        )
        return int(row["at"]) if row is not None and row["at"] is not None else None

    async def uninstall(self, platform: str, workspace: str) -> int:
        """Forget the app's installation (its token) in `workspace`."""
        if platform != SLACK:
            return 0
        return await self.delete(None, workspace)

    async def add_state(self, state: str, expire_at: int) -> None:
        await self._db.execute(
            "INSERT INTO slack_oauth_states (state, expire_at) VALUES (?, ?)", (state, expire_at)
        )

    async def live_states(self) -> int:
        row = await self._one("SELECT count(*) FROM slack_oauth_states")
        return int(row[0]) if row is not None else 0

    async def evict_states(self, keep: int) -> int:
        """Delete all but the `keep` states that expire last."""
        cur = await self._db.execute(
            "DELETE FROM slack_oauth_states WHERE state NOT IN"
            " (SELECT state FROM slack_oauth_states ORDER BY expire_at DESC LIMIT ?)",
            (keep,),
        )
        return int(cur.rowcount)

    async def prune_states(self, now: int) -> int:
        """Delete the states that expired before `now`."""
        cur = await self._db.execute("DELETE FROM slack_oauth_states WHERE expire_at < ?", (now,))
        return int(cur.rowcount)

    async def take_state(self, state: str, now: int) -> bool:
        """Consume `state`: True once, if it was issued and has not expired."""
        cur = await self._db.execute(
            "DELETE FROM slack_oauth_states WHERE state = ? AND expire_at >= ?", (state, now)
        )
        return cur.rowcount == 1
