"""What the SQLite stores share: the unit of work they belong to, and rows mapped to the
core's model (SQLite's 0/1 read back as bools, here and nowhere else)."""

from __future__ import annotations

import secrets
import sqlite3
from typing import TYPE_CHECKING, Any

from bot.model import Group, Kind, Meeting, Member, Referral, Status, UserRef

if TYPE_CHECKING:
    from storage.dialect import Dialect
    from storage.sqlite import SqliteRepository

Params = tuple[Any, ...] | dict[str, Any]


def new_token() -> str:
    """A claim's token: random, so workers on hosts with skewed clocks never share one."""
    return secrets.token_hex(8)


class Store:
    """One store of a unit of work: its statements run on the unit's connection, inside the
    unit's transaction."""

    __slots__ = ("_uow",)

    def __init__(self, uow: SqliteRepository) -> None:
        self._uow = uow

    @property
    def _db(self) -> Any:
        return self._uow._db

    @property
    def dialect(self) -> Dialect:
        """Where this database's SQL differs from the other's (storage/dialect.py)."""
        return self._uow.dialect

    async def _one(self, sql: str, args: Params = ()) -> sqlite3.Row | None:
        return await self._uow._one(sql, args)

    async def _all(self, sql: str, args: Params = ()) -> list[sqlite3.Row]:
        return await self._uow._all(sql, args)

    async def _insert(self, sql: str, args: Params) -> int:
        return await self._uow._insert(sql, args)


def _group(r: sqlite3.Row) -> Group:
    meeting = None
    if r["meeting_weekday"] is not None:
        meeting = Meeting(
            r["meeting_weekday"], r["meeting_time"], r["tz"], r["meeting_where"] or ""
        )
    return Group(
        id=r["id"],
        platform=r["platform"],
        workspace=r["workspace"],
        channel_id=r["channel_id"],
        channel_name=r["channel_name"],
        name=r["name"],
        tz=r["tz"],
        currency=r["currency"],
        meeting=meeting,
        created_at=r["created_at"],
        locale=r["locale"],
    )


# A reminder minute reads every group's roster (the bench's: 250,000 members): its columns
# are named once here and taken by position, not looked up by name for each member.
_ROSTER = (
    "SELECT id, group_id, platform, workspace, user_id, display_name, classification, ask,"
    " email, tz, quiet_hours, dm_enabled, is_admin, active, joined_at, suggestions,"
    " forgotten_at FROM members WHERE group_id = ? AND active = 1 ORDER BY joined_at, id"
)


def _rostered(
    id: int,
    group_id: int,
    platform: str,
    workspace: str,
    user_id: str,
    display_name: str,
    classification: str | None,
    ask: str | None,
    email: str | None,
    tz: str | None,
    quiet_hours: str | None,
    dm_enabled: int,
    is_admin: int,
    active: int,
    joined_at: int,
    suggestions: int,
    forgotten_at: int | None,
) -> Member:
    """A row of _ROSTER, as `_member` reads a whole row."""
    return Member(
        id,
        group_id,
        UserRef(platform, workspace, user_id, display_name),
        classification,
        ask,
        email,
        tz,
        quiet_hours,
        bool(dm_enabled),
        bool(is_admin),
        bool(active),
        joined_at,
        bool(suggestions),
        forgotten_at is not None,
    )


def _member(r: sqlite3.Row) -> Member:
    return Member(
        id=r["id"],
        group_id=r["group_id"],
        user=UserRef(r["platform"], r["workspace"], r["user_id"], r["display_name"]),
        classification=r["classification"],
        ask=r["ask"],
        email=r["email"],
        tz=r["tz"],
        quiet_hours=r["quiet_hours"],
        suggestions=bool(r["suggestions"]),
        dm_enabled=bool(r["dm_enabled"]),
        is_admin=bool(r["is_admin"]),
        active=bool(r["active"]),
        joined_at=r["joined_at"],
        forgotten=r["forgotten_at"] is not None,
    )


def _referral(r: sqlite3.Row) -> Referral:
    return Referral(
        id=r["id"],
        group_id=r["group_id"],
        giver_id=r["giver_id"],
        receiver_id=r["receiver_id"],
        kind=Kind(r["kind"]),
        prospect=r["prospect"],
        email=r["email"],
        phone=r["phone"],
        need=r["need"],
        heat=r["heat"],
        inside=bool(r["inside"]),
        status=Status(r["status"]),
        amount_cents=r["amount_cents"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        thanked_at=r["thanked_at"],
        heat_given=bool(r["heat_given"]),
        ended=r["ended"],
        ended_at=r["ended_at"],
        source=r["source"] if "source" in r.keys() else None,  # noqa: SIM118 (a row)
    )
