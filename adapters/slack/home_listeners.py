"""The Home tab's requests: opening it (app_home_opened), a button on it, and the form that
changes a member's ask.

Opening the tab queues the member's page through the core (the outbox builds and publishes
it, once however often it is opened before it goes). A button on Home is the DMs' own: the
core runs it as a click anywhere, and what it changed queues the page again; there is no
message to update and no response_url, so what the core answers goes to the person's DM
with the app (nothing they should read is dropped). "Change my ask" opens a form whose
submission is `/rapport profile ask <text>`, judged by the same grammar: a problem shows
beside the box and the form stays open.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import translate
from adapters.slack.blocks import replies_messages
from adapters.slack.directory import Directory
from adapters.slack.home import ASK_BLOCK, ASK_CALLBACK, CHANGE_ASK, ask_view, read_ask
from adapters.slack.limits import calls_for
from bot import messages
from bot.grammar import ParseError
from bot.model import UserRef
from bot.out import OutMessage
from bot.registry import parse
from bot.service import Core

log = logging.getLogger(__name__)


def on_home(body: dict[str, Any]) -> bool:
    """A click on a Home tab (not on a message or a form)."""
    return (body.get("view") or {}).get("type") == "home" or (
        (body.get("container") or {}).get("type") == "view" and not body.get("message")
    )


async def home_opened(core: Core, body: dict[str, Any], event: dict[str, Any]) -> None:
    """The member opened Rapport's Home tab (the Messages tab sends the same event)."""
    if event.get("tab", "home") != "home":
        return
    team = str(body.get("team_id") or event.get("view", {}).get("team_id") or "")
    uid = str(event.get("user") or "")
    if not team or not uid:
        return
    try:
        await core.refresh_home(UserRef("slack", team, uid, ""))
    except Exception:
        log.exception("could not queue a Home tab")


async def home_click(
    core: Core,
    directory: Directory,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    user = str((body.get("user") or {}).get("id", ""))
    if action.get("action_id") == CHANGE_ASK:
        try:
            view = ask_view(str(action.get("value") or ""))
            await client.views_open(trigger_id=body["trigger_id"], view=view)
        except Exception:
            log.warning("views.open failed for the ask form", exc_info=True)
            problem = "I couldn't open the form; type /rapport profile ask <text> instead."
            await _to_dm(client, user, [messages.error(problem)])
        return
    try:
        found = await directory.user_or_none(user, translate.team_of(body))
        ctx = translate.click_context(body, action, found)
        replies = await core.click(ctx, action["action_id"])
    except Exception:
        log.exception("Home button %r failed", action.get("action_id"))
        replies = [messages.internal_error()]
    await _to_dm(client, user, replies)


async def ask_submitted(
    core: Core,
    directory: Directory,
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
) -> None:
    """The ask form: the same command as typing it, refused beside the box when it is not."""
    text = read_ask((view.get("state") or {}).get("values") or {}).text
    try:
        command = parse("/rapport profile ask " + " ".join(text.split()))
    except ParseError as e:
        await ack(response_action="errors", errors={ASK_BLOCK: e.problem})
        return
    await ack()  # closes the form; the Home tab shows the new ask once it is saved
    user = str((body.get("user") or {}).get("id", ""))
    with calls_for(translate.team_of(body)):
        try:
            found = await directory.user_or_none(user, translate.team_of(body))
            ctx = translate.view_context(body, None, None, found)
            replies = await core.handle(ctx, command)
        except Exception:
            log.exception("the ask form failed")
            replies = [messages.internal_error()]
        refused = [r for r in replies if r.refused or r.kind != "profile.updated"]
        await _to_dm(client, user, refused)


async def _to_dm(client: AsyncWebClient, user: str, replies: list[OutMessage]) -> None:
    """What the core answered, in the person's DM with the app (posting to a user id)."""
    for part in replies_messages(replies):
        try:
            await client.chat_postMessage(channel=user, text=part.text, blocks=part.blocks)
        except Exception:
            log.exception("could not post an answer from the Home tab to the person's DM")


def register(bolt: Any, core: Core, directory: Directory) -> None:
    """The Home tab's event and its form (its buttons come through every button's listener)."""

    async def opened(ack: AsyncAck, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        await home_opened(core, body, event)

    async def submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ask_submitted(core, directory, ack, body, view, client)

    bolt.event("app_home_opened")(opened)
    bolt.view_submission(ASK_CALLBACK)(submitted)
