"""A workspace (a Slack workspace) that took the app out: delivery there stops at once, what
was queued for it is dropped, and its groups' personal data is erased once the grace period
is over, unless the app is installed there again first, which resumes everything as it was.
"""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.stores import Repository, UnitOfWork

log = logging.getLogger(__name__)

# why a dropped message was never sent (the outbox row's last_error)
UNINSTALLED = "dropped: the app was uninstalled from this workspace"
REVOKED = "dropped: the app's token in this workspace was revoked"
DAY = 86400


def grace_days(settings: Settings) -> int:
    """How long a departed workspace's data is kept before it is erased."""
    return settings.slack.uninstall_grace_days


async def left(
    repo: Repository,
    platform: str,
    workspace: str,
    reason: str,
    now: int,
    happened_at: int | None = None,
) -> int | None:
    """The app left `workspace` at `happened_at` (the platform's time of the event): its
    installation is forgotten, the departure remembered and what was queued there dropped,
    all at once. An event from before the app's current installation there (a platform's
    late retry of an uninstall the workspace has since undone) changes nothing: None.
    Otherwise returns how many messages were dropped."""

    async def unit(tx: UnitOfWork) -> int | None:
        installed = await tx.workspaces.installed_at(platform, workspace)
        if happened_at is not None and installed is not None and happened_at < installed:
            return None
        await tx.workspaces.uninstall(platform, workspace)
        return await tx.workspaces.left(platform, workspace, reason, now)

    dropped = await repo.atomic(unit)
    if dropped is None:
        log.info(
            "%s workspace %s: a departure from before its current installation was ignored",
            platform,
            workspace,
        )
    else:
        log.info("%s workspace %s left: %s queued message(s) dropped", platform, workspace, dropped)
    return dropped


async def came_back(tx: UnitOfWork, platform: str, workspace: str) -> bool:
    """In `tx`: the app is installed in `workspace` (again), so nothing of it will be
    erased. False if it had not left."""
    returned = await tx.workspaces.back(platform, workspace)
    if returned:
        log.info("%s workspace %s is back within its grace period", platform, workspace)
    return returned


async def back(repo: Repository, platform: str, workspace: str) -> bool:
    """The app is installed in `workspace` (again): nothing of it will be erased."""
    return await repo.atomic(lambda tx: came_back(tx, platform, workspace))


async def erase_expired(repo: Repository, settings: Settings, now: int) -> int:
    """Erase the data of every workspace whose grace period is over, each in its own unit of
    work. One that came back meanwhile is left alone, and so is one where the app is
    installed again even if its return was not recorded yet (the installation is saved
    before the return is): its departure is closed. Returns how many were erased."""
    before = now - grace_days(settings) * DAY
    due = await repo.atomic(lambda tx: tx.workspaces.left_before(before))
    erased = 0
    for platform, workspace in due:

        async def erase(
            tx: UnitOfWork, platform: str = platform, workspace: str = workspace
        ) -> int:
            if (platform, workspace) not in await tx.workspaces.left_before(before):
                return -1  # installed again meanwhile
            if await tx.workspaces.installed_at(platform, workspace) is not None:
                await came_back(tx, platform, workspace)
                return -1
            return await tx.workspaces.erase(platform, workspace, now)

        members = await repo.atomic(erase)
        if members >= 0:
            erased += 1
            log.info(
                "%s workspace %s: its groups' data erased (%s member(s))",
                platform,
                workspace,
                members,
            )
    return erased
