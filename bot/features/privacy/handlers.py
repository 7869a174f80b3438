"""Handlers for members' data: the admin's export, a member's own data, and forgetting.

Files are written under the configured files folder and attached to the reply; each adapter
hands them over its own way (Slack uploads, Discord attaches, the console prints the path).
"""

from __future__ import annotations

import csv
import json
import logging
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import admins, files, messages, money
from bot.features.privacy import messages as privacy_messages
from bot.features.privacy.commands import Export, Forget, MyData
from bot.model import RECEIVER_FORGOTTEN, Group, UserRef
from bot.out import OutMessage
from bot.schedule import local_date, local_midnight
from bot.work import Refusal, Work

log = logging.getLogger(__name__)


PHONE_LIKE = re.compile(r"[+-]?[0-9][0-9 ().\-/]*")


def _folder(w: Work, group: Group) -> Path:
    return files.private_folder(w.settings, group.id)


def _stamp(w: Work, group: Group) -> str:
    # the group's own time, as its admin reads it; a random part, so a file's name cannot
    # be guessed from another's
    local = w.now.astimezone(ZoneInfo(group.tz))
    return f"{local:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


async def export(w: Work, cmd: Export) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    if not me.is_admin:
        raise Refusal(messages.admin_only("export the group's records"))
    first = cmd.since or local_date(datetime.fromtimestamp(group.created_at, UTC), group.tz)
    last = cmd.until or local_date(w.now, group.tz)
    since = local_midnight(first, group.tz)
    until = local_midnight(last + timedelta(days=1), group.tz)
    # the group's local days: a meeting day's attendance is in that day's export
    days = (first.isoformat(), (last + timedelta(days=1)).isoformat())
    tables = await w.tx.privacy.export_rows(
        group.id,
        int(since.timestamp()),
        int(until.timestamp()),
        cmd.contacts,
        days,
        months=_months(first, last, group.tz),
    )
    for row in tables.get("closed_business_totals", []):
        for column in ("total", "new_business", "repeat_business"):
            row[column] = money.plain(row[column], row["currency"])
    folder = _folder(w, group)
    stamp = _stamp(w, group)
    paths = {name: folder / f"export-{stamp}-{name}.csv" for name in tables}

    def write() -> None:
        written: list[Path] = []
        try:
            for name, rows in tables.items():
                written.append(paths[name])
                _write_csv(paths[name], rows)
                files.stamp(paths[name], w.ts)
        except OSError as e:
            # all the files or none: a half-written export is worse than none
            for path in written:
                path.unlink(missing_ok=True)
            log.error("group %s: export failed: %s", group.id, e)
            raise Refusal(privacy_messages.files_not_written(e.strerror or str(e))) from None

    w.files.append(write)  # after the read, off the database's thread
    written = list(paths.values())
    counts = {name: len(rows) for name, rows in tables.items()}
    return [
        privacy_messages.export_ready(
            first.isoformat(), last.isoformat(), counts, cmd.contacts, tuple(map(str, written))
        )
    ]


def _months(first: date, last: date, tz: str) -> list[tuple[str, int, int]]:
    """The group's local months from `first` to `last` ("2026-12", its first instant, the
    next month's first instant): monthly totals count a deal in the month its group saw."""
    out = []
    month = first.replace(day=1)
    while month <= last:
        after = (month + timedelta(days=32)).replace(day=1)
        start, end = local_midnight(month, tz), local_midnight(after, tz)
        out.append((f"{month:%Y-%m}", int(start.timestamp()), int(end.timestamp())))
        month = after
    return out


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with files.open_private(path, "w", newline="", encoding="utf-8") as f:
        if not rows:
            f.write("")
            return
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _safe_cell(v) for k, v in row.items()})


def _safe_cell(v: object) -> object:
    """A cell a spreadsheet would run as a formula (= + - @ first) is quoted; a number or
    phone number (+27 82 555 0134) is data, written as it is."""
    if not isinstance(v, str) or v[:1] not in ("=", "+", "-", "@", "\t", "\r"):
        return v
    if PHONE_LIKE.fullmatch(v):
        return v
    return "'" + v


async def my_data(w: Work, cmd: MyData) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    data = {
        "group": group.name,
        "exported_at": w.now.isoformat(),
        **await w.tx.privacy.member_data(me.id),
    }
    path = _folder(w, group) / f"my-data-{me.id}-{_stamp(w, group)}.json"

    def write() -> None:
        try:
            with files.open_private(path, "w", encoding="utf-8") as f:
                f.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
            files.stamp(path, w.ts)
        except OSError as e:
            path.unlink(missing_ok=True)
            log.error("group %s: my-data file failed: %s", group.id, e)
            raise Refusal(privacy_messages.files_not_written(e.strerror or str(e))) from None

    w.files.append(write)  # after the read, off the database's thread
    return [privacy_messages.my_data_ready((str(path),))]


async def forget(w: Work, cmd: Forget) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    target = me
    if cmd.member is not None:
        assert isinstance(cmd.member, UserRef)
        if not me.is_admin:
            raise Refusal(messages.admin_only("erase another member's data"))
        target = await w.member_of(group, cmd.member)
    await admins.check_can_go(w, group, target, "/rapport forget-me")
    if not cmd.confirmed:
        return [privacy_messages.forget_confirm(target.user, target.id == me.id)]
    await w.tx.seats.drop_request(group.id, target.user.user_id)
    # what was passed to them and is still open has nobody to work it: closed as such,
    # and each giver told (without naming whom it went to: that name is erased too)
    closing = await w.tx.referrals.of_member(target.id, "open", 100_000)
    for r in closing:
        await w.tx.referrals.end(r.id, RECEIVER_FORGOTTEN, w.ts)
    await w.tx.privacy.forget_member(target.id, w.ts)
    for r in closing:
        giver = await w.tx.members.by_id(r.giver_id)
        if giver is not None and giver.active:
            await w.dm(group, giver, privacy_messages.receiver_forgotten_dm(r))
    return [messages.forgotten(target.id == me.id)]
