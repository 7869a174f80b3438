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

from bot.stores import UnitOfWork

T = TypeVar("T")

# calls (store.method) that change none of the reads kept here
HARMLESS = frozenset(
    {
        "due.add",
        "due.finish",
        "due.postpone",
        "due.cancel",
        "due.snooze",
        "due.pending_of",
        "outbox.add",
        "outbox.add_many",
        "outbox.add_refresh",
        "numbers.stats",
        "numbers.givers_since",
        "numbers.givers_between",
        "numbers.weekly",
        "numbers.activity",
        "thanks.between",
        "attendance.visitors_between",
        "attendance.on_day",
        "attendance.of_members",
        "palms.substitutes",
        "members.get",
        "members.by_id",
        "referrals.get",
        "one_to_ones.last_met",
        "one_to_ones.last_suggestion",
        "one_to_ones.add_suggestion",
    }
)

# the reads kept: (store, method) → how a caller gets its own copy
KEPT: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("groups", "get"): lambda group: group,
    ("groups", "settings"): dict,
    ("groups", "skips"): set,
    ("members", "of_group"): list,
    ("seats", "wanted"): list,
}


class _SharedStore:
    """One store of `tx`, its kept reads answered from the batch's memo."""

    def __init__(self, name: str, store: Any, memo: dict[Hashable, Any]) -> None:
        self._name = name
        self._store = store
        self._memo = memo

    def __getattr__(self, method: str) -> Any:
        copy = KEPT.get((self._name, method))
        if copy is not None:
            return self._kept(method, copy)
        if f"{self._name}.{method}" not in HARMLESS:
            self._memo.clear()
        return getattr(self._store, method)

    def _kept(self, method: str, copy: Callable[[Any], Any]) -> Callable[[int], Awaitable[Any]]:
        async def read(group_id: int) -> Any:
            key = (self._name, method, group_id)
            if key not in self._memo:
                self._memo[key] = await getattr(self._store, method)(group_id)
            return copy(self._memo[key])

        return read


class SharedReads:
    """`tx` with the group-level reads (the group, its settings, skips, wanted seats and
    roster) answered from `memo`, which the batch's units share. Every other call goes to
    `tx`'s stores unchanged, and drops what was kept unless it is known to be harmless."""

    def __init__(self, tx: UnitOfWork, memo: dict[Hashable, Any]) -> None:
        self._tx = tx
        self._memo = memo

    def __getattr__(self, name: str) -> Any:
        store = getattr(self._tx, name)
        if name.startswith("_"):  # the unit's own helpers (tests' raw reads)
            self._memo.clear()
            return store
        return _SharedStore(name, store, self._memo)

    async def once(self, key: Hashable, make: Callable[[], Awaitable[T]]) -> T:
        """`make()`, awaited once for `key` while what the batch kept stands."""
        k = ("once", key)
        if k not in self._memo:
            self._memo[k] = await make()
        result: T = self._memo[k]
        return result


async def once(tx: UnitOfWork, key: Hashable, make: Callable[[], Awaitable[T]]) -> T:
    """Within a batch (`tx` a SharedReads), `make()` once for `key`: work every unit of a
    group would do alike, such as planning its next meeting. Outside one, every time."""
    if isinstance(tx, SharedReads):
        return await tx.once(key, make)
    return await make()
