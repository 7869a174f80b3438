"""The core's messages as Discord sees them: markdown text, an embed for messages with a title
or fields, a view with the actions, and allowed_mentions naming only the members who may be
pinged. User text is escaped here so it can neither ping nor break the layout.

A message too long for one Discord message becomes several, each whole and in order: texts
and fields are split where bot/split.py says (never inside a mention, a link or a word),
within every limit below, counted in code points as Discord counts; a field carried on is
named "(continued)"; the buttons come with the last part.

A short message without a title stays plain text (its mentions ping). A long one (a big
chapter's recap or reminder) goes in embeds, whose descriptions hold 4,096 characters and
a message's embeds 6,000 in all against the 2,000 of plain text, so it takes as few messages
as the limits allow: each message as many embeds as fit. Mentions in an embed show the
member without notifying them (Discord never pings from an embed); allowed_mentions still
names at most 100 of them a message."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord import views, wording
from adapters.discord.refs import PLATFORM, snowflake
from bot.messages import continued
from bot.model import UserRef
from bot.out import OutMessage
from bot.split import Messages, split, split_messages
from bot.text import Link, Rich, UserText, When, close_bidi, join, lit, render

log = logging.getLogger(__name__)

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
EMBED_TOTAL = 6000  # title, description, fields and footer of all a message's embeds together
EMBEDS = 10  # embeds a message
FILES = 10
# a message with less room left than this starts the next part in a message of its own
# rather than carry a sliver of a list in one more embed
LEAST_EMBED = 500
# allowed_mentions.users holds at most 100 ids; more and the message is refused (400/50035)
MENTIONS = 100

ZWSP = "\u200b"
# `<#…>` channels, `<:e:…>`/`<a:e:…>` emoji, `<t:…>` times and `</cmd:…>` commands render
# as rich elements; user text gets a zero-width space so they stay plain characters
_RICH_TAG = re.compile(r"<(?=[#:/]|a:|t:)")
# (a text split between words ends a piece with "1.": escaped too, as it may start a line)
_ORDERED_LIST = re.compile(r"^(\s*\d+)\.(?=\s|$)", re.MULTILINE)


def user_text(text: str) -> str:
    """Echoed user text: markdown escaped, mentions (@everyone, @here, <@&role>, <@user>) and
    other rich tags neutralised visually. allowed_mentions already stops the pings."""
    escaped = discord.utils.escape_markdown(close_bidi(text))
    escaped = _ORDERED_LIST.sub(r"\1\\.", escaped)
    escaped = discord.utils.escape_mentions(escaped)
    return _RICH_TAG.sub("<" + ZWSP, escaped)


def mention(user: UserRef) -> str:
    if user.platform == PLATFORM and snowflake(user.user_id) is not None:
        return f"<@{user.user_id}>"
    return "@" + user_text(user.display_name)


def timestamp(w: When) -> str:
    """Each reader sees the instant in their own time zone, and how far off it is."""
    unix = int(w.at.timestamp())
    return f"<t:{unix}:F> (<t:{unix}:R>)"


def link(k: Link) -> str:
    label = user_text(k.label).replace("]", "\\]")
    if k.url.startswith(("https://", "http://")):
        return f"[{label}]({k.url})"
    # Discord opens only web links from markdown; the rest (a mailto:) is shown as code, so
    # it can be copied whole and no character in it is taken for markdown
    return f"{label}: `{k.url.replace('`', '%60')}`"


def markdown(r: Rich) -> str:
    return render(r, text=str, user_text=user_text, mention=mention, when=timestamp, link=link)


def plain(r: Rich) -> str:
    """For places without markdown (button labels, embed footers)."""
    return r.plain()


def clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def measure(r: Rich) -> int:
    """A text's length as Discord counts it: code points of the markdown sent."""
    return len(markdown(r))


def allowed_mentions(message: OutMessage | Rich) -> discord.AllowedMentions:
    """Only the members the message names with a ping; never everyone, here or a role."""
    users = [
        discord.Object(id=uid)
        for u in message.pings()
        if u.platform == PLATFORM and (uid := snowflake(u.user_id)) is not None
    ]
    return discord.AllowedMentions(everyone=False, roles=False, users=users, replied_user=False)


@dataclass
class Outgoing:
    """One Discord message, ready for `send`/`edit` keyword arguments."""

    content: str | None
    embeds: list[discord.Embed]
    view: discord.ui.View | None
    allowed_mentions: discord.AllowedMentions
    attachments: tuple[str, ...] = ()  # file paths (an export, a chart)

    def files(self) -> list[discord.File]:
        """Fresh File objects (each can be sent once); a file gone from disk is left out."""
        out = []
        for path in self.attachments[:FILES]:
            if os.path.isfile(path):
                out.append(discord.File(path, filename=os.path.basename(path)))
            else:
                log.warning("attachment %s is missing; sent without it", path)
        return out

    def send_kwargs(self) -> dict[str, Any]:
        kw: dict[str, Any] = {"allowed_mentions": self.allowed_mentions}
        if self.content is not None:
            kw["content"] = self.content
        if self.embeds:
            kw["embeds"] = self.embeds
        if self.view is not None:
            kw["view"] = self.view
        if files := self.files():
            kw["files"] = files
        return kw

    def edit_kwargs(self) -> dict[str, Any]:
        """For replacing a placeholder: every part set, so nothing of it is left behind."""
        kw: dict[str, Any] = {
            "content": self.content,
            "embeds": self.embeds,
            "view": self.view,
            "allowed_mentions": self.allowed_mentions,
        }
        if files := self.files():
            kw["attachments"] = files
        return kw


Part = tuple[str | None, list[discord.Embed], Rich]  # content, embeds, what they say


def outgoing(message: OutMessage, guild_id: str) -> list[Outgoing]:
    """The Discord messages that show `message` whole, in order. A message with a title or
    fields becomes embeds; a plain one stays text (so its mentions ping where they may),
    unless it is too long for one message: then it goes in embeds, far fewer messages.
    Actions become persistent buttons carrying the guild, so a click on a DM can be traced
    back to the group's server; they, and any files, come with the last message."""
    typed = [plain(a.command) for a in message.actions if a.command]
    parts: list[Part]
    if message.title or message.fields:
        parts = _messages(_embeds(message, typed))
    else:
        text = message.body()
        hinted = text
        if typed:
            hint = join([Rich((UserText(t),)) for t in typed], " · ")
            hinted = text + lit("\n-# " + wording.OR_TYPE) + hint
        chunks = split(hinted, CONTENT, measure, pings=MENTIONS) or [lit("")]
        if len(chunks) == 1:
            parts = [(markdown(chunks[0]), [], chunks[0])]
        else:
            parts = _long_text(text, typed)
    out = [
        Outgoing(content, embeds, None, allowed_mentions(words))
        for content, embeds, words in parts
    ]
    if message.actions:
        out[-1].view = views.action_view(message.actions, guild_id)
    out[-1].attachments = message.attachments
    return out


def _footer(typed: list[str]) -> str:
    return clip(wording.OR_TYPE + " · ".join(typed), FOOTER) if typed else ""


def _long_text(text: Rich, typed: list[str]) -> list[Part]:
    """A text too long for one message, as embeds' descriptions: each message as many as its
    6,000 characters, ten embeds and 100 allowed mentions take, each description as long as
    what is left of them (up to 4,096); the typed commands as the last one's footer."""
    footer = _footer(typed)
    layout = Messages(
        part=DESCRIPTION,
        total=EMBED_TOTAL - len(footer),
        parts=EMBEDS,
        pings=MENTIONS,
        least=LEAST_EMBED,
    )
    out: list[Part] = []
    for group in split_messages(text, layout, measure):
        words = Rich(tuple(p for chunk in group for p in chunk.parts))
        out.append((None, [discord.Embed(description=markdown(chunk)) for chunk in group], words))
    if footer:
        out[-1][1][-1].set_footer(text=footer)
    return out


def _messages(embeds: list[tuple[discord.Embed, Rich]]) -> list[Part]:
    """Consecutive embeds together in one message while they fit: ten at most, 6,000
    characters and 100 allowed mentions in all."""
    out: list[Part] = []
    group: list[discord.Embed] = []
    words = Rich(())
    for embed, said in embeds:
        if group and (
            len(group) >= EMBEDS
            or sum(len(e) for e in group) + len(embed) > EMBED_TOTAL
            or len((words + said).pings()) > MENTIONS
        ):
            out.append((None, group, words))
            group, words = [], Rich(())
        group.append(embed)
        words = words + said
    out.append((None, group, words))
    return out


def _embeds(message: OutMessage, typed: list[str]) -> list[tuple[discord.Embed, Rich]]:
    """Embeds within every limit: the title on the first, the text's parts as descriptions
    (one an embed), then the fields, as many to an embed as its 6,000 characters, its 25
    fields and 100 allowed mentions take; the typed commands as the last one's footer."""
    footer = _footer(typed)
    room = EMBED_TOTAL - len(footer)
    out: list[tuple[discord.Embed, Rich]] = []
    title = clip(user_text(message.title), TITLE) if message.title else None
    embed, words = discord.Embed(title=title), Rich(())

    def close() -> None:
        nonlocal embed, words
        out.append((embed, words))
        embed, words = discord.Embed(), Rich(())

    most = min(DESCRIPTION, room - len(title or ""))
    for i, chunk in enumerate(split(message.text, most, measure, pings=MENTIONS)):
        if i:
            close()
        embed.description = markdown(chunk)
        words = words + chunk
    for f in message.fields:
        chunks = split(f.value, FIELD_VALUE, measure, pings=MENTIONS) or [lit("-")]
        for i, chunk in enumerate(chunks):
            name = clip(f.name if i == 0 else continued(f.name), FIELD_NAME)
            value = markdown(chunk) or "-"
            pinged = len((words + chunk).pings())
            full = len(embed) + len(name) + len(value) > room or len(embed.fields) >= FIELDS
            if (embed.fields or embed.description) and (full or pinged > MENTIONS):
                close()
            embed.add_field(name=name, value=value, inline=False)
            words = words + chunk
    close()
    if footer:
        out[-1][0].set_footer(text=footer)
    return out
