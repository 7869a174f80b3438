"""Slack's side of a request, translated once at the edge: who, where, which request, and the
typed text as the core's grammar expects it.

With `should_escape: true` Slack sends a slash command's text formatted: `&`, `<`, `>` as
entities, mentions as `<@U…|name>`, `@channel` as `<!channel>`, emails and links as
`<mailto:…|…>`. The core's parser wants what the person typed, with every member mention it
reads as a member (the one after /referral, each one after `attendance present`, the one after
`invited by`) still in Slack's id form so the resolver can look it up; everything else, a
mention in a note or a prospect's name included, is turned back into plain words.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.grammar import MentionToken, ParseError
from bot.model import ChannelRef, UserRef
from bot.registry import parse
from bot.work import Context

PLATFORM = "slack"

TOKEN = re.compile(r"<([^<>]*)>")
USER_TOKEN = re.compile(r"@([UW][A-Z0-9]+)(?:\|([^>]*))?")
SPECIAL = {"channel", "here", "everyone"}
NOT_CHANNEL_NAMES = {"directmessage", "privategroup", "mpdm"}


@dataclass(frozen=True)
class SlackUser:
    """What users.info says about a person, as far as Rapport cares."""

    id: str
    name: str
    tz: str | None
    is_bot: bool
    deleted: bool


def unescape(text: str) -> str:
    """Slack escapes exactly these three; html.unescape would also turn "&copy" into ©."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mentioned_ids(text: str) -> set[str]:
    """User ids in `<@U…>` tokens, to look their names up before translating."""
    return {m.group(1) for t in TOKEN.finditer(text) if (m := USER_TOKEN.fullmatch(t.group(1)))}


def command_line(command: str, text: str, names: Mapping[str, str]) -> str:
    """`/referral` + Slack's formatted text → the line the core parses. Each member mention
    the grammar reads as a member stays a `<@U…>` token; other mentions become `@name`
    (from `names`, by id). Which ones the grammar reads, the core's own parser says: the
    line is parsed with every mention kept, and only those it took as members stay."""
    text = text.strip()
    head = ""
    if command == "/rapport":
        word, _, text = text.partition(" ")
        head = unescape(word) + " "
        text = text.lstrip()
    every = f"{command} {head}{plain(text, names, keep=None)}".rstrip()
    try:
        wanted = Counter(_members_read(parse(every)))
    except ParseError:  # the core will explain; only a leading mention is read as a member
        leading = TOKEN.match(text)
        wanted = Counter([leading.group(0)] if leading else [])
    return f"{command} {head}{plain(text, names, keep=wanted)}".rstrip()


def _members_read(command: object) -> Iterator[str]:
    """The raw mention tokens a parsed command holds as members, in any field or tuple."""
    if isinstance(command, MentionToken):
        yield command.raw
    elif isinstance(command, tuple):
        for v in command:
            yield from _members_read(v)
    elif dataclasses.is_dataclass(command):
        for f in dataclasses.fields(command):
            yield from _members_read(getattr(command, f.name))


def plain(text: str, names: Mapping[str, str], keep: Counter[str] | None = None) -> str:
    """Slack-formatted text → what the person typed. User mentions in `keep` (all, when it
    is None) stay tokens, as many times as it counts them, in order."""
    left = None if keep is None else Counter(keep)
    out: list[str] = []
    pos = 0
    for m in TOKEN.finditer(text):
        out.append(unescape(text[pos : m.start()]))
        token = m.group(0)
        if USER_TOKEN.fullmatch(m.group(1)) and (left is None or left[token] > 0):
            out.append(token)
            if left is not None:
                left[token] -= 1
        else:
            out.append(_token_text(m.group(1), names))
        pos = m.end()
    out.append(unescape(text[pos:]))
    return "".join(out)


def _token_text(inner: str, names: Mapping[str, str]) -> str:
    target, _, label = inner.partition("|")
    label = unescape(label)
    if m := USER_TOKEN.fullmatch(inner):
        return "@" + (names.get(m.group(1)) or unescape(m.group(2) or "") or m.group(1))
    if target.startswith("!"):
        word = target[1:].split("^")[0]
        if word in SPECIAL:
            return "@" + word
        if word == "subteam":
            return label or "@group"
        return label  # <!date^…|fallback> and the like
    if target.startswith("#"):
        return "#" + (label or "channel")
    if label:
        return label
    return unescape(target.removeprefix("mailto:").removeprefix("tel:"))


# --- who, where, which request ---------------------------------------------------------
def actor(team: str, user_id: str, found: SlackUser | None, fallback_name: str) -> UserRef:
    name = found.name if found else (fallback_name or user_id)
    return UserRef(PLATFORM, team, user_id, name)


def channel(team: str, channel_id: str | None, channel_name: str | None) -> ChannelRef:
    """A channel, or a direct message (channel_id None: the core finds the member's group)."""
    if not channel_id or channel_id.startswith("D"):
        return ChannelRef(PLATFORM, team, None, "")
    name = channel_name or ""
    if name in NOT_CHANNEL_NAMES or name.startswith("mpdm-"):
        name = ""
    return ChannelRef(PLATFORM, team, channel_id, f"#{name}" if name else "")


def command_context(payload: Mapping[str, Any], found: SlackUser | None) -> Context:
    """A slash command's form fields. The trigger_id is the request's identity: Slack repeats
    it on a retry, so the core answers a retry from what it stored."""
    team = str(payload.get("team_id", ""))
    return Context(
        actor=actor(team, str(payload["user_id"]), found, str(payload.get("user_name", ""))),
        channel=channel(team, payload.get("channel_id"), payload.get("channel_name")),
        request_key=f"slack:{team}:command:{payload['trigger_id']}"
        if payload.get("trigger_id")
        else None,
        tz=found.tz if found else None,
    )


def team_of(body: Mapping[str, Any]) -> str:
    team = body.get("team") or {}
    return str(team.get("id") or (body.get("user") or {}).get("team_id") or "")


def click_context(
    body: Mapping[str, Any], action: Mapping[str, Any], found: SlackUser | None
) -> Context:
    """A button press. Its key is the message, the button and the person, so a double
    click (two payloads, two action_ts) is one action; a button not on a message (in a
    modal) falls back to the click's own action_ts."""
    team = team_of(body)
    user = body.get("user") or {}
    container = body.get("container") or {}
    where = body.get("channel") or {}
    channel_id = where.get("id") or container.get("channel_id")
    message_ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    uid = str(user.get("id", ""))
    if message_ts:
        key = f"slack:{team}:click:{channel_id}:{message_ts}:{action['action_id']}:{uid}"
    else:
        key = f"slack:{team}:click:{action.get('action_ts')}:{action['action_id']}:{uid}"
    return Context(
        actor=actor(team, uid, found, str(user.get("name") or user.get("username") or "")),
        channel=channel(team, channel_id, where.get("name")),
        request_key=key,
        tz=found.tz if found else None,
    )


def view_context(
    body: Mapping[str, Any],
    channel_id: str | None,
    channel_name: str | None,
    found: SlackUser | None,
) -> Context:
    """A modal submission, keyed by the view: one modal logs one referral, however often
    Slack delivers its submission."""
    team = team_of(body)
    user = body.get("user") or {}
    uid = str(user.get("id", ""))
    return Context(
        actor=actor(team, uid, found, str(user.get("name") or user.get("username") or "")),
        channel=channel(team, channel_id, channel_name),
        request_key=f"slack:{team}:view:{body['view']['id']}",
        tz=found.tz if found else None,
    )


def is_private(body: Mapping[str, Any]) -> bool:
    """Whether the clicked message is the clicker's alone (their DM with the bot, or an
    ephemeral message): only those are rewritten after a click; a channel post's buttons
    stay for everyone else."""
    container = body.get("container") or {}
    channel_id = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    return bool(container.get("is_ephemeral")) or channel_id.startswith("D")
