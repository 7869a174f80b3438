"""The files Rapport writes for people (exports, members' data, monthly charts): where they go
and how long they stay. Each file is stamped with the bot's clock when written, so the sweep
that deletes old ones keeps the same time as everything else the bot schedules."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from bot.config import Settings

log = logging.getLogger(__name__)


def group_folder(settings: Settings, group_id: int) -> Path:
    return Path(settings.privacy.files_dir) / f"group-{group_id}"


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
