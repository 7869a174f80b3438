"""Leadership roles on SQLite (and PostgreSQL): who holds which role in a group."""

from __future__ import annotations

from storage.sqlite.base import Store


class SqliteRoles(Store):
    async def of_group(self, group_id: int) -> dict[int, list[str]]:
        """Active member id → the roles they hold, each member's in the order given."""
        rows = await self._all(
            "SELECT r.member_id, r.role FROM member_roles r"
            " JOIN members m ON m.id = r.member_id AND m.active = 1"
            " WHERE r.group_id = ? ORDER BY r.since, r.role",
            (group_id,),
        )
        out: dict[int, list[str]] = {}
        for r in rows:
            out.setdefault(r["member_id"], []).append(r["role"])
        return out

    async def holders(self, group_id: int, role: str) -> list[int]:
        rows = await self._all(
            "SELECT r.member_id FROM member_roles r"
            " JOIN members m ON m.id = r.member_id AND m.active = 1"
            " WHERE r.group_id = ? AND r.role = ? ORDER BY r.since, r.member_id",
            (group_id, role),
        )
        return [r["member_id"] for r in rows]

    async def give(self, group_id: int, member_id: int, role: str, now: int) -> bool:
        """False when the member already held it."""
        row = await self._one(
            "SELECT 1 FROM member_roles WHERE member_id = ? AND role = ?", (member_id, role)
        )
        if row is not None:
            return False
        await self._db.execute(
            "INSERT INTO member_roles (group_id, member_id, role, since) VALUES (?, ?, ?, ?)",
            (group_id, member_id, role, now),
        )
        return True

    async def take(self, group_id: int, member_id: int, role: str | None = None) -> list[str]:
        """Take one role (or, with None, every role) from a member; the roles taken."""
        if role is None:
            rows = await self._all(
                "SELECT role FROM member_roles WHERE group_id = ? AND member_id = ?"
                " ORDER BY since, role",
                (group_id, member_id),
            )
        else:
            rows = await self._all(
                "SELECT role FROM member_roles WHERE group_id = ? AND member_id = ? AND role = ?",
                (group_id, member_id, role),
            )
        taken = [r["role"] for r in rows]
        for name in taken:
            await self._db.execute(
                "DELETE FROM member_roles WHERE member_id = ? AND role = ?", (member_id, name)
            )
        return taken
