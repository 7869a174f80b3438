"""Members' data: the admin's export, a member's own data, forgetting, and retention."""

from __future__ import annotations

import csv
import errno
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.features.insight import handlers as insight_handlers
from bot.service import Core
from storage.sqlite import SqliteRepository

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "rapport.db"


@pytest.fixture
async def repo(db_path):  # a real file, so every table can be read back as it is stored
    r = await SqliteRepository.open(str(db_path))
    yield r
    await r.close()


def files_of(reply_message) -> dict[str, Path]:
    return {Path(p).name.rsplit("-", 1)[-1]: Path(p) for p in reply_message.attachments}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


async def busy_week(group, clock) -> None:
    await group("alice", "/referral @bob Jane Roe jane@roe.example 082 555 1234 -- =SUM(A1)")
    await group("carol", "/lead @bob Acme Roofing -- heard at the gym")
    await group("bob", "/referrals update 1 won 1500 -- signed")
    await group("bob", "/thanks @alice 1 -- thank you Jane was lovely")
    await group("carol", "/onetoone @bob -- coffee")
    clock.advance(days=1)
    await group("bob", "/referral @carol Sam Smith sam@smith.example")


async def test_the_admin_exports_csv_files_without_amounts_or_contacts(group, clock):
    await busy_week(group, clock)
    [reply] = await group.messages("alice", "/rapport export")
    files = files_of(reply)
    assert set(files) == {
        "referrals.csv",
        "leads.csv",
        "referral_sources.csv",
        "closed_business.csv",
        "closed_business_totals.csv",
        "one_to_ones.csv",
        "attendance.csv",
    }
    referrals = read_csv(files["referrals.csv"])
    assert [
        (r["id"], r["giver"], r["receiver"], r["prospect"], r["status"]) for r in referrals
    ] == [("1", "alice", "bob", "Jane Roe", "won"), ("3", "bob", "carol", "Sam Smith", "open")]
    assert "email" not in referrals[0] and "phone" not in referrals[0]
    assert referrals[0]["need"] == "'=SUM(A1)"  # a spreadsheet never runs it
    assert [r["prospect"] for r in read_csv(files["leads.csv"])] == ["Acme Roofing"]
    business = read_csv(files["closed_business.csv"])
    assert [(b["receiver"], b["giver"]) for b in business] == [("bob", "alice")]
    assert (
        "amount_cents" not in business[0] and "1500" not in files["closed_business.csv"].read_text()
    )
    [total] = read_csv(files["closed_business_totals.csv"])
    assert (total["currency"], total["total"], total["reports"]) == ("ZAR", "1500.00", "1")
    assert len(read_csv(files["one_to_ones.csv"])) == 1


async def test_contacts_only_when_asked_and_only_for_the_admin(group, clock):
    await busy_week(group, clock)
    [reply] = await group.messages("alice", "/rapport export contacts")
    text = files_of(reply)["referrals.csv"].read_text()
    assert "jane@roe.example" in text and "082 555 1234" in text
    assert "Only the group's admins" in await group("bob", "/rapport export")


async def test_a_date_range_limits_the_export(group, clock):
    await busy_week(group, clock)
    [reply] = await group.messages("alice", "/rapport export 2026-12-01 2026-12-01")
    assert [r["prospect"] for r in read_csv(files_of(reply)["referrals.csv"])] == ["Sam Smith"]


async def test_monthly_totals_are_the_groups_local_months(group, clock):
    """00:30 on 1 December in Johannesburg is still 30 November in UTC."""
    await group("alice", "/referral @bob Jane Roe jane@roe.example -- a geyser")
    clock.set(datetime(2026, 11, 30, 22, 30, tzinfo=UTC))  # Tue 1 Dec 00:30 local
    await group("bob", "/referrals update 1 won R1000")
    [reply] = await group.messages("alice", "/rapport export 2026-12-01 2026-12-01")
    [total] = read_csv(files_of(reply)["closed_business_totals.csv"])
    assert (total["month"], total["total"]) == ("2026-12", "1000.00")
    [reply] = await group.messages("alice", "/rapport export 2026-11-01 2026-11-30")
    assert read_csv(files_of(reply)["closed_business_totals.csv"]) == []


async def test_an_export_on_the_meeting_day_has_that_days_attendance_in_a_zone_east_of_utc(
    group, clock
):
    """Johannesburg is UTC+2: the day's local midnight is 22:00 UTC the day before."""
    clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # Mon 08:00 local
    await group("alice", "/rapport meeting set wed 07:00")
    clock.set(datetime(2026, 12, 2, 7, 0, tzinfo=UTC))  # Wed 2 Dec 09:00 local
    await group("alice", "/rapport attendance present @bob @carol")
    for line in ("/rapport export", "/rapport export 2026-12-02 2026-12-02"):
        [reply] = await group.messages("alice", line)
        rows = read_csv(files_of(reply)["attendance.csv"])
        assert [(r["day"], r["member"], r["status"]) for r in rows] == [
            ("2026-12-02", "bob", "present"),
            ("2026-12-02", "carol", "present"),
        ], line
        assert "2 attendance records" in reply.fallback()
    # and the next day's range does not hold it
    [reply] = await group.messages("alice", "/rapport export 2026-12-03 2026-12-03")
    assert read_csv(files_of(reply)["attendance.csv"]) == []


async def test_export_and_data_file_names_use_the_groups_local_time(group, clock):
    clock.set(datetime(2026, 12, 1, 23, 30, tzinfo=UTC))  # 01:30 on 2 Dec in Johannesburg
    [export] = await group.messages("alice", "/rapport export")
    [mine] = await group.messages("bob", "/rapport my-data")
    for path in (*export.attachments, *mine.attachments):
        assert "-20261202-013000-" in Path(path).name, path


async def test_phone_numbers_are_exported_as_written_and_formulas_stay_inert(group):
    await group("alice", '/referral @bob Jane Roe +27 82 555 0134 -- =HYPERLINK("x")')
    await group("alice", "/referral @carol @Sam Smith sam@smith.example -- -2+3")
    [reply] = await group.messages("alice", "/rapport export contacts")
    rows = read_csv(files_of(reply)["referrals.csv"])
    assert [(r["prospect"], r["phone"], r["need"]) for r in rows] == [
        ("Jane Roe", "+27 82 555 0134", '\'=HYPERLINK("x")'),
        ("'@Sam Smith", "", "'-2+3"),
    ]


async def test_a_failed_export_leaves_no_file_and_says_what_happened(group, monkeypatch, settings):
    wrote: list[Path] = []
    real = csv.DictWriter.writerow

    def disk_full(self, row):
        if len(wrote) == 3:  # the third file (closed business), part-way through
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, row)

    def note(path, rows):
        wrote.append(path)
        return real_write(path, rows)

    import bot.features.privacy.handlers as md

    real_write = md._write_csv
    monkeypatch.setattr(md, "_write_csv", note)
    monkeypatch.setattr(csv.DictWriter, "writerow", disk_full)
    await group("alice", "/referral @bob Jane Roe jane@roe.example")
    await group("bob", "/referrals update 1 won 1500")
    [reply] = await group.messages("alice", "/rapport export")
    assert reply.fallback() == (
        "I couldn't write the files (No space left on device), so there is nothing to send;"
        " none was left half written. Please try again later; if it keeps happening, tell"
        " whoever runs Rapport."
    )
    assert reply.attachments == ()
    assert len(wrote) == 3
    assert list(Path(settings.privacy.files_dir).rglob("*.csv")) == []


async def test_a_read_only_command_that_fails_does_not_say_nothing_was_saved(group, monkeypatch):
    from bot import service
    from bot.features.insight.commands import ShowLeaderboard
    from bot.features.roster.commands import LogOneToOne

    async def broken(w, cmd):
        raise RuntimeError("a bug")

    monkeypatch.setitem(service.HANDLERS, ShowLeaderboard, broken)
    reply = await group("bob", "/rapport leaderboard")
    assert reply == (
        "Sorry, something went wrong on my side. Please try again; if it keeps happening, tell"
        " your organiser."
    )
    # a command that changes something still says its change was not kept
    monkeypatch.setitem(service.HANDLERS, LogOneToOne, broken)
    assert "nothing was saved" in await group("bob", "/onetoone @carol")
    assert insight_handlers.leaderboard is not broken


async def test_my_data_holds_everything_about_the_member(group, clock):
    await busy_week(group, clock)
    [reply] = await group.messages("bob", "/rapport my-data")
    [path] = reply.attachments
    data = json.loads(Path(path).read_text())
    assert data["profile"]["display_name"] == "bob"
    assert data["profile"]["classification"] == "Residential plumbing"
    assert [r["prospect"] for r in data["referrals_and_leads_received"]] == [
        "Jane Roe",
        "Acme Roofing",
    ]
    assert [r["prospect"] for r in data["referrals_and_leads_given"]] == ["Sam Smith"]
    assert data["closed_business_you_reported"][0]["amount_cents"] == 150000
    assert data["thanks_given"][0]["note"] == "thank you Jane was lovely"
    assert len(data["one_to_ones"]) == 1


async def test_my_data_holds_only_what_is_the_members_own_to_see(group, clock):
    # amounts are private to the receiver: alice, who gave #1, never sees what it closed at;
    # carol's note on the 1-2-1 she logged with bob is hers, not bob's
    await busy_week(group, clock)
    await group("bob", "/referrals amount 1 R1 800 -- invoice")
    [reply] = await group.messages("alice", "/rapport my-data")
    text = Path(reply.attachments[0]).read_text()
    data = json.loads(text)
    [given] = data["referrals_and_leads_given"]
    assert given["prospect"] == "Jane Roe" and given["status"] == "won"
    assert "amount_cents" not in given and "180000" not in text and "150000" not in text
    [reply] = await group.messages("bob", "/rapport my-data")
    data = json.loads(Path(reply.attachments[0]).read_text())
    assert data["referrals_and_leads_received"][0]["amount_cents"] == 180000
    [fixed] = data["closed_business_corrections_you_made"]
    assert (fixed["old_amount_cents"], fixed["new_amount_cents"], fixed["note"]) == (
        150000,
        180000,
        "invoice",
    )
    [met] = data["one_to_ones"]
    assert met["note"] is None  # carol logged it, with her own note
    [reply] = await group.messages("carol", "/rapport my-data")
    data = json.loads(Path(reply.attachments[0]).read_text())
    assert data["one_to_ones"][0]["note"] == "coffee"


async def test_forget_me_asks_first_then_leaves_no_trace_while_totals_stay(group, clock, db_path):
    await busy_week(group, clock)
    week_before = await group("alice", "/rapport stats")
    asked = await group("bob", "/rapport forget-me")
    assert "/rapport forget-me confirm" in asked
    assert "Done" in await group("bob", "/rapport forget-me confirm")

    db = sqlite3.connect(db_path)
    dump = "\n".join(db.iterdump())
    for secret in (
        "'bob'",
        '"bob"',
        "jane@roe.example",
        "082 555 1234",
        "Jane was lovely",
    ):
        assert secret not in dump, secret
    # other members' work stays theirs: the referral bob gave carol, which she is still
    # working on, stays with her whole; carol's open lead to bob is closed, in her record
    listed = await group("carol", "/referrals")
    assert "#3 referral from a former member: Sam Smith — open" in listed
    # whom alice referred to bob is alice's record
    assert "#1 referral to a former member: Jane Roe — won" in await group("alice", "/referrals")
    assert "#2 lead to a former member: Acme Roofing — closed (the receiver's data" in listed
    # the group's numbers are unchanged: alice still gave one referral, carol one lead
    assert await group("alice", "/rapport stats") == week_before
    rows = db.execute("SELECT display_name, active FROM members WHERE forgotten_at IS NOT NULL")
    assert list(rows) == [("former member", 0)]


async def test_the_admin_can_forget_a_member_and_nobody_else_can(group, clock):
    await busy_week(group, clock)
    assert "Only the group's admins" in await group("carol", "/rapport forget @bob confirm")
    assert "/rapport forget @bob confirm" in await group("alice", "/rapport forget @bob")
    assert "Done" in await group("alice", "/rapport forget @bob confirm")
    assert "isn't on" in await group("alice", "/referral @bob Jim jim@x.example")


async def test_the_only_admin_cannot_forget_themselves(group):
    assert "only admin" in await group("alice", "/rapport forget-me confirm")


async def test_contact_details_are_erased_a_year_after_a_referral_closed(
    group, clock, core: Core, repo
):
    await group("alice", "/referral @bob Jane Roe jane@roe.example 082 555 1234")
    await group("alice", "/referral @bob Tom Open tom@open.example")
    await group("bob", "/referrals update 1 won 1500")
    clock.advance(days=364)
    await core.run_due(clock.now())
    async with repo.transaction() as tx:
        assert (await tx.referrals.get(1)).email == "jane@roe.example"
    clock.advance(days=2)
    await core.run_due(clock.now())
    async with repo.transaction() as tx:
        closed, still_open = await tx.referrals.get(1), await tx.referrals.get(2)
    assert (closed.email, closed.phone, closed.prospect) == (None, None, "Jane Roe")
    assert still_open.email == "tom@open.example"  # an open referral keeps its details


async def test_a_delivered_dm_is_deleted_a_month_later_with_the_prospect_it_carried(
    group, clock, core: Core, repo
):
    """The receiver's DM holds the prospect's email and phone; its stored copy must not
    outlive the conversation it was for."""

    async def payloads() -> str:
        async with repo.transaction() as tx:
            return " ".join(r["payload"] for r in await tx._all("SELECT payload FROM outbox"))

    await group("alice", "/referral @bob Jane Roe jane@roe.example 082 555 1234")
    await group("bob", "/referrals update 1 contacted")  # no follow-up DMs repeat her details
    assert "jane@roe.example" in await payloads()
    async with repo.transaction() as tx:  # the channel post: refused, its next try far off
        await tx._db.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE payload LIKE ?",
            (int(clock.now().timestamp()) + 90 * 86400, '%"referral.post"%'),
        )
    clock.advance(days=29)
    await group("alice", "/referral @carol Tom Newer tom@newer.example")
    await core.run_due(clock.now())
    assert "jane@roe.example" in await payloads()  # 29 days: kept

    clock.advance(days=2)
    await core.run_due(clock.now())
    stored = await payloads()
    assert "jane@roe.example" not in stored and "082 555 1234" not in stored
    assert "tom@newer.example" in stored  # two days old: kept
    assert stored.count('"referral.post"') == 2  # Jane's, not yet delivered: kept, however old


async def test_exports_and_data_files_are_deleted_a_week_after_they_were_written(
    group, clock, core: Core
):
    [export] = await group.messages("alice", "/rapport export")
    clock.advance(days=6)
    [mine] = await group.messages("bob", "/rapport my-data")
    old, new = [Path(p) for p in export.attachments], [Path(p) for p in mine.attachments]
    await core.run_due(clock.now())
    assert all(p.exists() for p in old + new)  # six days: still there

    clock.advance(days=1, hours=1)
    await core.run_due(clock.now())
    assert not any(p.exists() for p in old)
    assert all(p.exists() for p in new)  # one day old
