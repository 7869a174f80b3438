"""The files Rapport writes for people (exports, members' data, monthly charts): where they go
and how long they stay. Each file is stamped with the bot's clock when written, so the sweep
that deletes old ones keeps the same time as everything else the bot schedules."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import IO, Any

from bot.config import Settings

log = logging.getLogger(__name__)


def group_folder(settings: Settings, group_id: int) -> Path:
    return Path(settings.privacy.files_dir) / f"group-{group_id}"


def private_folder(settings: Settings, group_id: int) -> Path:
    """The group's folder, made if need be; it and the files folder are its owner's only
    (0700), whatever the umask: exports carry prospects' contact details."""
    root = Path(settings.privacy.files_dir)
    folder = group_folder(settings, group_id)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for made in (root, folder):
        if stat.S_IMODE(made.stat().st_mode) != 0o700:
            made.chmod(0o700)
    return folder


def open_private(path: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """Open a file for writing that only its owner can read (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # a file that was there keeps its mode through O_TRUNC
        return open(fd, mode, **kwargs)  # the caller closes it
    except BaseException:
        os.close(fd)
        raise


def stamp(path: Path, ts: int) -> None:
    """Date a file the bot wrote by the bot's clock."""
    os.utime(path, (ts, ts))


def prune(settings: Settings, before: int) -> int:
    """Delete the files dated before `before` (they were handed over long since); returns
    how many. A file that cannot be deleted is logged and left for the next sweep."""
    root = Path(settings.privacy.files_dir)
    deleted = 0
    for path in root.glob("group-*/*"):
        try:
            if path.is_file() and path.stat().st_mtime < before:
                path.unlink()
                deleted += 1
        except OSError as e:
            log.warning("could not delete %s: %s", path, e)
    return deleted
