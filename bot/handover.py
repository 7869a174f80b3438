"""Files handed to the person who asked (a calendar, a card): written into the group's private
folder, stamped by the clock, and attached to the reply; each adapter hands them over its
own way (Slack uploads to the DM, Discord attaches to the private reply, the console prints
the path)."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import files
from bot.features.privacy.messages import files_not_written
from bot.model import Group
from bot.work import Refusal, Work

log = logging.getLogger(__name__)


def write_private(w: Work, group: Group, stem: str, suffix: str, data: bytes) -> Path:
    """Write a file for the person who asked into the group's private folder, stamped by the
    clock (the sweep deletes it after `[privacy] files_days`). Refuses, leaving nothing
    half written, when the disk says no."""
    local = w.now.astimezone(ZoneInfo(group.tz))
    path = files.private_folder(w.settings, group.id) / (
        f"{stem}-{local:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}{suffix}"
    )
    try:
        with files.open_private(path, "wb") as f:
            f.write(data)
        files.stamp(path, w.ts)
    except OSError as e:
        path.unlink(missing_ok=True)
        log.error("group %s: %s file failed: %s", group.id, suffix, e)
        raise Refusal(files_not_written(e.strerror or str(e))) from None
    return path
