"""`/rapport palms`: the leadership's PALMS report, per member, as text and as a CSV file laid
out like the weekly PALMS report chapters submit to BNI Connect, so the vice president copies
it over instead of typing it twice.

Columns: P A L M S (attendance), RGI RGO (referrals given inside and outside the group), RRI
RRO (received), V (visitors invited), 1-2-1, TYFCB (closed business the member received, in
the group's currency) and CEU (education units, which Rapport does not track: left blank).
A member's closed business is private to them: the report shows it per member only when the
admin turned `settings amounts leadership` on; otherwise the group's total, and the caller's
own line.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import logging
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bot import files, money
from bot.features.leadership import messages as wording
from bot.features.leadership.commands import ShowPalms
from bot.features.leadership.roles import require_leadership
from bot.features.leadership.settings import amounts_to_leadership
from bot.features.privacy.handlers import _safe_cell, _stamp
from bot.features.privacy.messages import files_not_written
from bot.model import Group, Member
from bot.out import OutMessage
from bot.schedule import last_meeting, local_date, local_midnight
from bot.work import Refusal, Work

log = logging.getLogger(__name__)

COLUMNS = (
    "Member",
    "P",
    "A",
    "L",
    "M",
    "S",
    "RGI",
    "RGO",
    "RRI",
    "RRO",
    "V",
    "1-2-1",
    "TYFCB",
    "CEU",
)
# the report's counted columns and the store's keys for them
COUNTS = (
    ("P", "present"),
    ("A", "absent"),
    ("L", "late"),
    ("M", "medical"),
    ("S", "substitute"),
    ("RGI", "given_inside"),
    ("RGO", "given_outside"),
    ("RRI", "received_inside"),
    ("RRO", "received_outside"),
    ("V", "visitors"),
    ("1-2-1", "one_to_ones"),
)


async def span(w: Work, group: Group, cmd: ShowPalms) -> tuple[date, date]:
    """The report's first and last local days: as given, or the week up to the latest
    meeting (the week a chapter reports), or the last seven days when none was held."""
    today = local_date(w.now, group.tz)
    if cmd.since is not None:
        return cmd.since, cmd.until or today
    last = None
    if group.meeting is not None:
        held = last_meeting(group.meeting, w.now, await w.tx.groups.skips(group.id))
        last = local_date(held, group.tz) if held else None
    end = cmd.until or last or today
    return end - timedelta(days=6), end


async def show_palms(w: Work, cmd: ShowPalms) -> list[OutMessage]:
    group, me = await require_leadership(w, "see the PALMS report")
    first, last = await span(w, group, cmd)
    since = int(local_midnight(first, group.tz).timestamp())
    until = int(local_midnight(last + timedelta(days=1), group.tz).timestamp())
    numbers = await w.tx.palms.report(group.id, first.isoformat(), last.isoformat(), since, until)
    members = await w.tx.members.of_group(group.id)
    shown = amounts_to_leadership(await w.tx.groups.settings(group.id))
    total_cents = sum(n.get("business_cents", 0) for n in numbers.values())
    rows = []
    for m in members:
        got = numbers.get(m.id, {})
        cents = got.get("business_cents", 0) if (shown or m.id == me.id) else None
        rows.append((m, {col: got.get(key, 0) for col, key in COUNTS}, cents))
    paths = _write(w, group, first, last, _table(group, rows, total_cents))
    return [
        wording.palms_report(group, first, last, rows, total_cents, shown, tuple(map(str, paths)))
    ]


def _plain(cents: int, currency: str) -> str:
    return money.plain(str(Decimal(cents) / 100), currency)


def _table(
    group: Group, rows: list[tuple[Member, dict[str, int], int | None]], total_cents: int
) -> list[list[str | int]]:
    """The report as the file's rows: the header, one row a member, then the group's totals;
    TYFCB as a plain decimal (blank where it is private), CEU blank (not tracked)."""
    sums = {col: 0 for col, _ in COUNTS}
    out: list[list[str | int]] = [list(COLUMNS)]
    for member, counts, cents in rows:
        tyfcb = "" if cents is None else _plain(cents, group.currency)
        out.append([member.name, *(counts[c] for c, _ in COUNTS), tyfcb, ""])
        for col, _ in COUNTS:
            sums[col] += counts[col]
    out.append(["Total", *(sums[c] for c, _ in COUNTS), _plain(total_cents, group.currency), ""])
    return out


def xlsx_available() -> bool:
    """Whether openpyxl (the optional `xlsx` extra) is installed."""
    try:
        return importlib.util.find_spec("openpyxl") is not None
    except ValueError:  # a test replaced the module with None
        return False


def _write(
    w: Work, group: Group, first: date, last: date, table: list[list[str | int]]
) -> list[Path]:
    """The CSV file, and an XLSX beside it when the `xlsx` extra is installed: all or none."""
    folder = files.private_folder(w.settings, group.id)
    # named like the export's files (their random part is what the golden transcripts mask)
    stem = f"export-{_stamp(w, group)}-palms-{first.isoformat()}-{last.isoformat()}"
    written: list[Path] = []
    try:
        path = folder / f"{stem}.csv"
        written.append(path)
        with files.open_private(path, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            for row in table:
                out.writerow([_safe_cell(v) for v in row])
        if xlsx_available():
            path = folder / f"{stem}.xlsx"
            written.append(path)
            _write_xlsx(path, table)
        for path in written:
            files.stamp(path, w.ts)
    except OSError as e:
        for path in written:
            path.unlink(missing_ok=True)
        log.error("group %s: PALMS file failed: %s", group.id, e)
        raise Refusal(files_not_written(e.strerror or str(e))) from None
    return written


def _write_xlsx(path: Path, table: list[list[str | int]]) -> None:
    """One sheet, "PALMS", the same rows as the CSV: counts as numbers and TYFCB as a number
    with two decimals; text stays text (a name starting with "=" is never a formula)."""
    openpyxl = importlib.import_module("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "PALMS"
    tyfcb = COLUMNS.index("TYFCB")
    for r, row in enumerate(table, start=1):
        for c, value in enumerate(row, start=1):
            if r > 1 and c == tyfcb + 1 and value != "":
                cell = sheet.cell(row=r, column=c, value=Decimal(str(value)))
                cell.number_format = "0.00"
            elif isinstance(value, str):
                cell = sheet.cell(row=r, column=c)
                cell.value = value
                cell.data_type = "s"
            else:
                sheet.cell(row=r, column=c, value=value)
    with files.open_private(path, "wb") as f:
        book.save(f)
