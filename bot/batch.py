"""Reads and plans shared by one batch of scheduled work.

A reminder minute claims thousands of rows at once, and a group's rows come together (its
evening reminder and its accountability nudges): each used to read the group, its settings,
skips, open seats and whole roster again, and to plan the group's next meeting again. Within
one batch those are read (and the plan made) once per group and shared; they cannot change
under it unless the batch itself changes them, and any call that might (anything not known
to leave them alone) drops what was kept. So does a unit of the batch that fails: its
changes are rolled back, and what it kept may rest on them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from bot.model import Group, Member
from bot.ports import Repository

T = TypeVar("T")

# calls that change none of the reads kept here
HARMLESS = frozenset(
    {
        "due_add",
        "due_finish",
        "due_postpone",
        "due_cancel",
        "due_snooze",
        "due_pending",
        "outbox_add",
        "outbox_add_many",
        "stats",
        "givers_since",
        "givers_between",
        "thanks_between",
        "visitors_between",
        "last_given_at",
        "member",
        "member_by_id",
        "referral",
        "weekly_numbers",
        "last_met",
        "last_suggestion",
        "add_suggestion",
        "attendance_on",
        "attendance_of",
        "member_activity",
    }
)


class SharedReads:
    """`tx` with the group-level reads answered from `memo`, which the batch's units share.
    Everything else goes to `tx` unchanged."""

    def __init__(self, tx: Repository, memo: dict[Hashable, Any]) -> None:
        self._tx = tx
        self._memo = memo

    def __getattr__(self, name: str) -> Any:
        if name not in HARMLESS:
            self._memo.clear()
        return getattr(self._tx, name)

    async def _read(self, name: str, group_id: int) -> Any:
        key = (name, group_id)
        if key not in self._memo:
            self._memo[key] = await getattr(self._tx, name)(group_id)
        return self._memo[key]

    async def group(self, group_id: int) -> Group | None:
        group: Group | None = await self._read("group", group_id)
        return group

    async def members(self, group_id: int) -> list[Member]:
        return list(await self._read("members", group_id))

    async def group_settings(self, group_id: int) -> dict[str, str]:
        return dict(await self._read("group_settings", group_id))

    async def skips(self, group_id: int) -> set[str]:
        return set(await self._read("skips", group_id))

    async def wanted_seats(self, group_id: int) -> list[str]:
        return list(await self._read("wanted_seats", group_id))

    async def once(self, key: Hashable, make: Callable[[], Awaitable[T]]) -> T:
        """`make()`, awaited once for `key` while what the batch kept stands."""
        k = ("once", key)
        if k not in self._memo:
            self._memo[k] = await make()
        result: T = self._memo[k]
        return result


async def once(tx: Repository, key: Hashable, make: Callable[[], Awaitable[T]]) -> T:
    """Within a batch (`tx` a SharedReads), `make()` once for `key`: work every unit of a
    group would do alike, such as planning its next meeting. Outside one, every time."""
    if isinstance(tx, SharedReads):
        return await tx.once(key, make)
    return await make()
