"""Files that hold members' and prospects' details are their owner's alone, whatever the
umask: the database and its -wal and -shm, exports (contacts included), members' data
files and charts (0600, in folders 0700). A config file others can write is refused."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, load
from bot.service import Core
from storage.sqlite import SqliteRepository
from tests.conftest import Chat
from tests.fakes import FakeResolver, RecordingMessenger, channel

REPO = Path(__file__).resolve().parents[2]


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The loosest umask there is: whatever Rapport creates, it creates owner-only itself."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


async def test_the_database_and_its_wal_and_shm_are_created_owner_only(
    open_umask, tmp_path, settings, clock
):
    db = tmp_path / "rapport.db"
    repo = await SqliteRepository.open(str(db))
    try:
        core = Core(repo, RecordingMessenger(), clock, FakeResolver(), settings)
        chat = Chat(core, channel())
        await chat("alice", "/rapport setup Breakfast Club")  # something written to the WAL
        assert {p.name: oct(mode(p)) for p in tmp_path.glob("rapport.db*")} == {
            "rapport.db": "0o600",
            "rapport.db-wal": "0o600",
            "rapport.db-shm": "0o600",
        }
    finally:
        await repo.close()


async def test_a_database_an_older_version_left_readable_is_made_owner_only(tmp_path):
    db = tmp_path / "old.db"
    first = await SqliteRepository.open(str(db))
    await first.close()
    db.chmod(0o644)
    again = await SqliteRepository.open(str(db))
    await again.close()
    assert mode(db) == 0o600


async def test_exports_data_files_and_their_folders_are_owner_only(open_umask, group, settings):
    await group("alice", "/referral @bob Jane Roe jane@roe.example 082 555 1234")
    exported = await group.messages("alice", "/rapport export contacts")
    mine = await group.messages("bob", "/rapport my-data")
    written = [Path(p) for reply in (*exported, *mine) for p in reply.attachments]
    # the contact export: the prospect's email is in it
    assert any("jane@roe.example" in p.read_text(encoding="utf-8") for p in written)
    assert any(p.name.startswith("my-data") for p in written)
    assert {p.name: oct(mode(p)) for p in written} == {p.name: "0o600" for p in written}
    root = Path(settings.privacy.files_dir)
    assert {str(d.relative_to(root.parent)): oct(mode(d)) for d in (root, written[0].parent)} == {
        "files": "0o700",
        f"files/{written[0].parent.name}": "0o700",
    }


async def test_an_export_rewritten_over_a_readable_file_leaves_it_owner_only(tmp_path, settings):
    from bot import files

    loose = tmp_path / "loose.csv"
    loose.write_text("old")
    loose.chmod(0o644)
    with files.open_private(loose, "w", encoding="utf-8") as f:
        f.write("new")
    assert (mode(loose), loose.read_text()) == (0o600, "new")


async def test_the_monthly_chart_is_owner_only(open_umask, chat, core, clock, messenger, settings):
    pytest.importorskip("matplotlib")
    london = ZoneInfo("Europe/London")
    clock.set(datetime(2026, 9, 30, 10, tzinfo=london).astimezone(UTC))
    await chat("alice", "/rapport setup Thames Breakfast Club")
    await chat("alice", "/rapport join Commercial insurance")
    await chat("alice", "/rapport meeting set wed 07:00 Europe/London")
    clock.set(datetime(2026, 11, 1, 9, tzinfo=london).astimezone(UTC))
    await core.run_due(clock.now())
    await core.settle()
    [recap] = [s for s in messenger.posts() if s.message.kind == "recap.monthly"]
    [png] = [Path(p) for p in recap.message.attachments]
    assert png.suffix == ".png" and png.stat().st_size > 0
    assert (oct(mode(png)), oct(mode(png.parent)), oct(mode(png.parent.parent))) == (
        "0o600",
        "0o700",
        "0o700",
    )


@pytest.mark.parametrize("loose", [0o666, 0o646, 0o602])
def test_a_config_file_others_can_write_is_refused_in_one_line(tmp_path, loose):
    config = tmp_path / "config.toml"
    config.write_text('[defaults]\ntimezone = "Europe/London"\n', encoding="utf-8")
    config.chmod(loose)
    with pytest.raises(ConfigError) as refused:
        load(config)
    assert str(refused.value) == (
        f"{config}: others can write this file (mode {loose:04o}), so they could change what"
        f" Rapport does: make it writable by its owner only (chmod go-w {config})"
    )
    run = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config), "migrate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert run.stderr.splitlines() == [f"rapport: {refused.value}"]
    assert not (tmp_path / "rapport.db").exists()


@pytest.mark.parametrize("fine", [0o600, 0o644, 0o400])
def test_a_config_file_only_its_owner_can_write_is_read(tmp_path, fine):
    config = tmp_path / "config.toml"
    config.write_text('[defaults]\ntimezone = "Europe/London"\n', encoding="utf-8")
    config.chmod(fine)
    assert load(config).timezone == "Europe/London"


def test_a_group_writable_config_is_read_only_in_its_owners_private_group(tmp_path):
    import grp
    import pwd

    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    config.chmod(0o664)
    st = config.stat()
    private = grp.getgrgid(st.st_gid).gr_name == pwd.getpwuid(st.st_uid).pw_name
    if private:
        load(config)  # like umask 002 with user-private groups: the group is the owner alone
    else:
        with pytest.raises(ConfigError, match="others can write this file"):
            load(config)


def test_rapport_migrate_creates_the_database_owner_only_under_any_umask(tmp_path):
    db = tmp_path / "fresh.db"
    script = (
        "import os, sys; os.umask(0); from bot.__main__ import main;"
        f" sys.exit(main(['migrate', '--db', {str(db)!r}]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert oct(mode(db)) == "0o600"
