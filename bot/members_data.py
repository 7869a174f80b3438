"""Handlers for members' data: the admin's export, a member's own data, and forgetting.

Files are written under the configured files folder and attached to the reply; each adapter
hands them over its own way (Slack uploads, Discord attaches, the console prints the path).
"""

from __future__ import annotations

import csv
import json
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot import files, messages
from bot import messages_records as words
from bot.commands import Export, Forget, MyData
from bot.model import RECEIVER_FORGOTTEN, Group, UserRef
from bot.out import OutMessage
from bot.schedule import local_date, local_midnight
from bot.work import Refusal, Work


def _folder(w: Work, group: Group) -> Path:
    folder = files.group_folder(w.settings, group.id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stamp(w: Work) -> str:
    # a random part, so a file's name cannot be guessed from another's
    return f"{w.now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


async def export(w: Work, cmd: Export) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    if not me.is_admin:
        raise Refusal(messages.admin_only("export the group's records"))
    first = cmd.since or local_date(datetime.fromtimestamp(group.created_at, UTC), group.tz)
    last = cmd.until or local_date(w.now, group.tz)
    since = local_midnight(first, group.tz)
    until = local_midnight(last + timedelta(days=1), group.tz)
    tables = await w.tx.export_rows(
        group.id, int(since.timestamp()), int(until.timestamp()), cmd.contacts
    )
    folder = _folder(w, group)
    stamp = _stamp(w)
    paths = []
    for name, rows in tables.items():
        path = folder / f"export-{stamp}-{name}.csv"
        _write_csv(path, rows)
        files.stamp(path, w.ts)
        paths.append(str(path))
    counts = {name: len(rows) for name, rows in tables.items()}
    return [
        messages.export_ready(
            first.isoformat(), last.isoformat(), counts, cmd.contacts, tuple(paths)
        )
    ]


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        if not rows:
            f.write("")
            return
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            # a cell starting with = + - @ would run as a formula in a spreadsheet
            writer.writerow({k: _safe_cell(v) for k, v in row.items()})


def _safe_cell(v: object) -> object:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


async def my_data(w: Work, cmd: MyData) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    data = {"group": group.name, "exported_at": w.now.isoformat(), **await w.tx.member_data(me.id)}
    path = _folder(w, group) / f"my-data-{me.id}-{_stamp(w)}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    files.stamp(path, w.ts)
    return [messages.my_data_ready((str(path),))]


async def forget(w: Work, cmd: Forget) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    target = me
    if cmd.member is not None:
        assert isinstance(cmd.member, UserRef)
        if not me.is_admin:
            raise Refusal(messages.admin_only("erase another member's data"))
        target = await w.member_of(group, cmd.member)
    others_admin = [m for m in await w.tx.members(group.id) if m.is_admin and m.id != target.id]
    if target.is_admin and not others_admin:
        raise Refusal(messages.admin_cannot_leave())
    if not cmd.confirmed:
        return [messages.forget_confirm(target.user, target.id == me.id)]
    # what was passed to them and is still open has nobody to work it: closed as such,
    # and each giver told (without naming whom it went to: that name is erased too)
    closing = await w.tx.referrals_of(target.id, "open", 100_000)
    for r in closing:
        await w.tx.end_referral(r.id, RECEIVER_FORGOTTEN, w.ts)
    await w.tx.forget_member(target.id, w.ts)
    for r in closing:
        giver = await w.tx.member_by_id(r.giver_id)
        if giver is not None and giver.active:
            await w.dm(group, giver, words.receiver_forgotten_dm(r))
    return [messages.forgotten(target.id == me.id)]
