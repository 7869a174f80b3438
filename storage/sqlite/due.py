"""Scheduled work on SQLite: rows of due work planned once, claimed atomically under a
token, finished, postponed, cancelled or reopened after a clock step.
"""

from __future__ import annotations

from bot.model import DueState
from bot.ports import DueItem
from storage.sqlite.base import Store, new_token


class SqliteDue(Store):
    async def add(
        self, group_id: int, kind: str, target_id: int, occurrence: str, due_at: int
    ) -> bool:
        """Plan a piece of work once: the same (kind, group, target, occurrence) is ignored
        unless it was cancelled, in which case it is planned again at the new time."""
        cur = await self._db.execute(
            "INSERT INTO due_work (group_id, kind, target_id, occurrence, due_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (kind, group_id, target_id, occurrence) DO UPDATE"
            " SET due_at = excluded.due_at, state = 'pending', claimed_at = NULL, done_at = NULL"
            " WHERE due_work.state = 'cancelled'",
            (group_id, kind, target_id, occurrence, due_at),
        )
        return cur.rowcount == 1

    async def claim(
        self, now: int, limit: int, stale_before: int, token: str | None = None
    ) -> list[DueItem]:
        """Claim what is due, oldest first, under `token`; a row left 'running' by a crashed
        process since before `stale_before` is claimed again."""
        # Merged from two reads of due_work_due in (due_at, id) order, as in outbox_claim: one
        # OR'd WHERE sorted every due row for each batch of DUE_BATCH.
        claim = token or new_token()
        rows = await self._all(
            self.dialect.claim(
                "due_work",
                sets="state = 'running', claimed_at = :now, claim_token = :token",
                fresh="state = 'pending' AND due_at <= :now",
                stale="state = 'running' AND claimed_at < :stale",
                order="due_at",
                returning="id, group_id, kind, target_id, occurrence, due_at, claimed_at, note",
            ),
            {"now": now, "stale": stale_before, "limit": limit, "token": claim},
        )
        items = [DueItem(*tuple(r)[:7], claim=claim, note=r["note"]) for r in rows]
        items.sort(key=lambda i: (i.due_at, i.id))
        return items

    async def finish(
        self, item: DueItem, state: DueState, now: int, note: str | None = None
    ) -> bool:
        """Close a claimed row; False when the claim was lost (another process reclaimed it),
        in which case the caller rolls back what it did."""
        cur = await self._db.execute(
            "UPDATE due_work SET state = ?, done_at = ?, note = ?"
            " WHERE id = ? AND state = 'running' AND claim_token = ?",
            (state, now, note, item.id, item.claim),
        )
        return cur.rowcount == 1

    async def postpone(self, item: DueItem, due_at: int) -> bool:
        cur = await self._db.execute(
            "UPDATE due_work SET state = 'pending', due_at = ?, claimed_at = NULL,"
            " claim_token = NULL WHERE id = ? AND state = 'running' AND claim_token = ?",
            (due_at, item.id, item.claim),
        )
        return cur.rowcount == 1

    async def cancel(
        self,
        group_id: int,
        kinds: tuple[str, ...],
        now: int,
        target_id: int | None = None,
        occurrence: str | None = None,
        occurrence_after: str | None = None,
    ) -> int:
        marks = ", ".join("?" for _ in kinds)
        cur = await self._db.execute(
            f"UPDATE due_work SET state = 'cancelled', done_at = ? WHERE group_id = ?"
            f" AND kind IN ({marks}) AND state = 'pending'"
            " AND (CAST(? AS BIGINT) IS NULL OR target_id = ?)"
            " AND (CAST(? AS TEXT) IS NULL OR occurrence = ?)"
            " AND (CAST(? AS TEXT) IS NULL OR occurrence > ?)",
            (
                now,
                group_id,
                *kinds,
                target_id,
                target_id,
                occurrence,
                occurrence,
                occurrence_after,
                occurrence_after,
            ),
        )
        return cur.rowcount

    async def snooze(
        self, group_id: int, target_id: int, kinds: tuple[str, ...], until: int
    ) -> int:
        marks = ", ".join("?" for _ in kinds)
        cur = await self._db.execute(
            "UPDATE due_work SET due_at = CASE WHEN due_at > ? THEN due_at ELSE ? END"
            f" WHERE group_id = ? AND target_id = ? AND kind IN ({marks}) AND state = 'pending'",
            (until, until, group_id, target_id, *kinds),
        )
        return cur.rowcount

    async def finished_after(
        self, after: int, kinds: tuple[str, ...]
    ) -> list[tuple[DueItem, DueState]]:
        """Group work of these kinds done or dropped after `after`, with its state: only a
        clock set back finds any. Along due_work_finished, named: without statistics SQLite
        would read every finished row of group work (due_work_target) at every tick."""
        marks = ", ".join("?" for _ in kinds)
        rows = await self._all(
            "SELECT id, group_id, kind, target_id, occurrence, due_at, COALESCE(claimed_at, 0),"
            f" state, note FROM due_work{self.dialect.indexed_by('due_work_finished')}"
            " WHERE target_id = 0 AND state IN ('done', 'dropped')"
            f" AND done_at > ? AND kind IN ({marks}) ORDER BY due_at, id",
            (after, *kinds),
        )
        return [(DueItem(*tuple(r)[:7], note=r["note"]), DueState(r["state"])) for r in rows]

    async def last_done(self, group_id: int, kind: str, before: int) -> int | None:
        """When the group's last work of this kind that ran was due, before `before`."""
        # the unique (kind, group_id, …) index reads the group's rows of this kind: `+` keeps
        # SQLite from reading every finished row of every group along due_work_due instead
        row = await self._one(
            "SELECT MAX(due_at) AS t FROM due_work WHERE kind = ? AND group_id = ?"
            f" AND target_id = 0 AND {self.dialect.unindexed('state')} = 'done'"
            f" AND {self.dialect.unindexed('due_at')} < ?",
            (kind, group_id, before),
        )
        return row["t"] if row else None

    async def reopen(self, item_id: int, note: str | None = None) -> bool:
        """Plan a finished row again, at its own due time; `note` tells its next run why."""
        cur = await self._db.execute(
            "UPDATE due_work SET state = 'pending', claimed_at = NULL, done_at = NULL, note = ?"
            " WHERE id = ? AND state IN ('done', 'dropped')",
            (note, item_id),
        )
        return cur.rowcount == 1

    async def next(self) -> int | None:
        row = await self._one("SELECT MIN(due_at) AS t FROM due_work WHERE state = 'pending'")
        return row["t"] if row else None

    async def planned(self, group_id: int, kinds: tuple[str, ...]) -> list[DueItem]:
        """The group's own work of these kinds still pending (not a referral's), along the
        unique (kind, group_id, …) index: `+state` keeps SQLite off due_work_due, which
        would read every group's pending rows."""
        marks = ", ".join("?" for _ in kinds)
        rows = await self._all(
            "SELECT id, group_id, kind, target_id, occurrence, due_at, COALESCE(claimed_at, 0)"
            f" FROM due_work WHERE kind IN ({marks}) AND group_id = ? AND target_id = 0"
            f" AND {self.dialect.unindexed('state')} = 'pending' ORDER BY due_at, id",
            (*kinds, group_id),
        )
        return [DueItem(*tuple(r)) for r in rows]

    async def pending_of(self, group_id: int, target_id: int) -> list[DueItem]:
        """What is still planned about one thing of the group (a referral's nudges)."""
        rows = await self._all(
            "SELECT id, group_id, kind, target_id, occurrence, due_at, COALESCE(claimed_at, 0)"
            " FROM due_work WHERE group_id = ? AND target_id = ? AND state = 'pending'"
            " ORDER BY due_at, id",
            (group_id, target_id),
        )
        return [DueItem(*tuple(r)) for r in rows]
