"""What each Slack request does: ack at once, translate, ask the core, answer the person.

Every listener acks before any work (Slack gives 3 seconds; the core may spend longer
delivering what a command set off), then answers through the request's response_url as an
ephemeral message. Its Web API calls (users.info, views.open, an answer's overflow to the
person's DM) are made for the request's workspace (`calls_for`): a 429 pauses that method
there, as the messenger's are. Nothing here raises: a failure becomes the core's own apology, never an
HTTP 500 or a stack trace in Slack.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import translate
from adapters.slack.blocks import SlackMessage, after_click, plain_of, replies_messages
from adapters.slack.directory import Directory
from adapters.slack.home_listeners import home_click, on_home
from adapters.slack.limits import calls_for
from adapters.slack.modal import Origin, read_form, referral_view
from bot import messages, usage
from bot.features.referrals.commands import FieldErrors, LogReferral, referral_from_fields
from bot.grammar import MentionToken
from bot.model import UserRef
from bot.out import OutMessage
from bot.ports import NotAPerson
from bot.service import Core

log = logging.getLogger(__name__)

FORM_COMMANDS = {("/referral", ""), ("/rapport", "referral")}
FORM_FIELDS = ("member", "prospect", "email", "phone", "need", "heat", "inside")
MEMBER_CHECK_SECONDS = 1.5  # the modal must be answered within 3 s
PICK_MEMBER = "Pick the member you are passing the referral to."
NOT_A_PERSON = "Pick a person: bots and deactivated accounts can't receive referrals."
RESPONSE_URL_POSTS = 5  # a response_url takes five posts at most

Overflow = Callable[[SlackMessage], Awaitable[None]]


class FileSender(Protocol):
    async def send_files(self, user: UserRef, paths: tuple[str, ...]) -> None: ...


class Listeners:
    def __init__(self, core: Core, directory: Directory, files: FileSender | None = None) -> None:
        self.core = core
        self.directory = directory
        self.files = files

    # --- slash commands ------------------------------------------------------------
    async def command(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        with calls_for(str(command.get("team_id") or "")):
            await self._command(command, respond, client)

    async def _command(
        self, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        try:
            name, text = command["command"], command.get("text") or ""
            if (name, text.strip()) in FORM_COMMANDS:
                await self._open_form(client, respond, command)
                return
            team = str(command.get("team_id", ""))
            found = await self.directory.user_or_none(command["user_id"], team)
            ctx = translate.command_context(command, found)
            line = translate.command_line(name, text, await self._names(text, team))
            replies = await self.core.handle(ctx, line)
            paths = tuple(p for r in replies for p in r.attachments)
            if paths and self.files is not None:
                await self.files.send_files(ctx.actor, paths)
        except Exception:
            log.exception("slash command %s failed", command.get("command"))
            replies = [messages.internal_error()]
        await answer(respond, replies, overflow=to_dm(client, str(command.get("user_id", ""))))

    async def _names(self, text: str, team: str) -> dict[str, str]:
        names: dict[str, str] = {}
        for uid in translate.mentioned_ids(text):
            user = await self.directory.user_or_none(uid, team)
            if user is not None:
                names[uid] = user.name
        return names

    async def _open_form(
        self, client: AsyncWebClient, respond: AsyncRespond, command: Mapping[str, Any]
    ) -> None:
        origin = Origin(
            command.get("channel_id"), command.get("channel_name"), command.get("response_url")
        )
        try:
            await client.views_open(trigger_id=command["trigger_id"], view=referral_view(origin))
        except Exception:
            log.warning("views.open failed; asking for the typed form instead", exc_info=True)
            problem = "I couldn't open the form; type it instead."
            await answer(respond, [usage.usage("referral", problem)])

    # --- buttons -------------------------------------------------------------------
    async def action(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        with calls_for(translate.team_of(body)):
            await self._action(body, action, respond, client)

    async def _action(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        if on_home(body):
            await home_click(self.core, self.directory, body, action, client)
            return
        try:
            found = await self.directory.user_or_none(
                str(body["user"]["id"]), translate.team_of(body)
            )
            ctx = translate.click_context(body, action, found)
            replies = await self.core.click(ctx, action["action_id"])
        except Exception:
            log.exception("button %r failed", action.get("action_id"))
            replies = [messages.internal_error()]
        message = body.get("message") or {}
        used = 0
        if (
            replies
            and not replies[0].refused
            and message.get("blocks")
            and translate.is_private(body)
        ):
            # the outcome takes the button's place, so a second click has nothing to hit
            blocks = after_click(message["blocks"], action["action_id"], replies[0])
            text = message.get("text") or plain_of(blocks)
            used = 1
            if await _send(respond, text=text, blocks=blocks, replace_original=True):
                replies = replies[1:]
        user = str((body.get("user") or {}).get("id", ""))
        await answer(respond, replies, used=used, overflow=to_dm(client, user))

    # --- the referral form ---------------------------------------------------------
    async def view_submission(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        with calls_for(translate.team_of(body)):
            await self._view_submission(ack, body, view, client)

    async def _view_submission(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        try:
            command, errors = await self._check_form(body, view)
        except Exception:
            log.exception("the referral form could not be read")
            command, errors = None, {"prospect": messages.internal_error().fallback()}
        if errors or command is None:
            await ack(response_action="errors", errors=errors)  # the form stays open
            return
        await ack()  # closes the modal; the answer goes where /referral was typed
        origin = Origin.load(view.get("private_metadata"))
        try:
            found = await self.directory.user_or_none(
                str(body["user"]["id"]), translate.team_of(body)
            )
            ctx = translate.view_context(body, origin.channel_id, origin.channel_name, found)
            replies = await self.core.handle(ctx, command)
        except Exception:
            log.exception("referral form failed")
            replies = [messages.internal_error()]
        await self._answer_form(client, origin, str(body["user"]["id"]), replies)

    async def _check_form(
        self, body: dict[str, Any], view: dict[str, Any]
    ) -> tuple[LogReferral | None, dict[str, str]]:
        """The form as the core's command, or the message to show beside each bad field."""
        form = read_form(view["state"]["values"])
        token = MentionToken(f"<@{form.member}>" if form.member else "")
        command: LogReferral | None = None
        errors: dict[str, str] = {}
        try:
            command = referral_from_fields(
                token, form.prospect, form.email, form.phone, form.need, form.heat, form.inside
            )
        except FieldErrors as e:
            errors = {k if k in FORM_FIELDS else "prospect": v for k, v in e.errors.items()}
        if not form.member:
            errors["member"] = PICK_MEMBER
        elif not errors and not await self._is_person(token.raw, translate.team_of(body)):
            errors["member"] = NOT_A_PERSON
        return command, errors

    async def _is_person(self, raw: str, team: str) -> bool:
        """Bots and deactivated accounts are refused beside the field. A slow users.info
        lets the form through: the core's resolver still has the last word."""
        try:
            resolved = await asyncio.wait_for(
                self.core.resolver.resolve(raw, team), MEMBER_CHECK_SECONDS
            )
        except NotAPerson:
            return False
        except Exception:
            return True
        return resolved is not None

    async def _answer_form(
        self, client: AsyncWebClient, origin: Origin, user_id: str, replies: list[OutMessage]
    ) -> None:
        for i, part in enumerate(replies_messages(replies)):
            try:
                if origin.response_url and i < RESPONSE_URL_POSTS:
                    await AsyncWebhookClient(origin.response_url).send(
                        text=part.text,
                        blocks=part.blocks,
                        response_type="ephemeral",
                        replace_original=False,
                    )
                else:  # opened elsewhere, or more than it takes: the app's DM with the person
                    await client.chat_postMessage(
                        channel=user_id, text=part.text, blocks=part.blocks
                    )
            except Exception:
                log.exception("could not answer the referral form")

    # --- anything bolt itself caught -----------------------------------------------
    async def error(self, error: Exception, body: dict[str, Any]) -> BoltResponse:
        """Bolt's last resort (a middleware failed, say): a 200 with an apology that Slack
        shows to the person, instead of a 500."""
        log.error("request failed before reaching Rapport", exc_info=error)
        if isinstance(body, dict) and body.get("command"):
            sorry = messages.internal_error().fallback()
            return BoltResponse(
                status=200,
                body=json.dumps({"response_type": "ephemeral", "text": sorry}),
                headers={"content-type": "application/json"},
            )
        return BoltResponse(status=200, body="")


async def answer(
    respond: AsyncRespond,
    replies: list[OutMessage],
    *,
    used: int = 0,
    overflow: Overflow | None = None,
) -> None:
    """Replies only the person sees, as few ephemeral messages as Slack's limits allow. The
    response_url takes five posts (`used` of them already): a longer answer (an admin's
    lights for a big chapter) goes on in the person's DM with the app, never cut."""
    for i, part in enumerate(replies_messages(replies)):
        if used + i >= RESPONSE_URL_POSTS and overflow is not None:
            await overflow(part)
        else:
            await _send(respond, text=part.text, blocks=part.blocks, response_type="ephemeral")


def to_dm(client: AsyncWebClient, user_id: str) -> Overflow:
    """Posting to a user id reaches the app's DM with them."""

    async def post(part: SlackMessage) -> None:
        try:
            await client.chat_postMessage(channel=user_id, text=part.text, blocks=part.blocks)
        except Exception:
            log.exception("could not post the rest of an answer to the person's DM")

    return post


async def _send(respond: AsyncRespond, **message: Any) -> bool:
    """Post to the response_url. A failure here is logged, never turned into "nothing was
    saved": by now the core has done (and stored) the work."""
    message.setdefault("replace_original", False)
    try:
        sent = await respond(**message)
    except Exception:
        log.exception("could not answer through the response_url")
        return False
    if sent.status_code != 200:
        log.warning("the response_url refused the answer: %s %s", sent.status_code, sent.body)
        return False
    return True
