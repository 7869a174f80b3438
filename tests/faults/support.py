"""What the fault tests share: a dump of the whole database, the log of every channel post a
test made (checked for prospects' contact details when the test ends), and the checks that a
rendered message pings nobody it should not, fits the platform's limits, and cannot reorder
the bot's own words."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.discord import render as discord_render
from adapters.discord.refs import snowflake
from adapters.slack import blocks as slack_blocks
from bot.model import UserRef
from bot.out import Field, OutMessage
from bot.text import Listing, Mention, Rich
from storage.sqlite import SqliteRepository
from tests.discord_adapter.conftest import text as discord_text
from tests.discord_adapter.fake_discord import FakeDiscord
from tests.fakes import RecordingMessenger
from tests.slack.fake_slack import FakeSlack, message_text, visible

Dump = dict[str, list[tuple[Any, ...]]]

_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"


# --- the whole database ---------------------------------------------------------------------
_PG_TABLES = (
    "SELECT table_name AS name FROM information_schema.tables"
    " WHERE table_schema = current_schema() ORDER BY table_name"
)


async def dump(repo: SqliteRepository) -> Dump:
    """Every row of every table (in rowid order on SQLite, sorted on PostgreSQL, which has
    no rowid): two dumps are equal when nothing changed."""
    out: Dump = {}
    on_sqlite = repo.dialect.name == "sqlite"
    async with repo.transaction() as tx:
        for t in await tx._all(_TABLES if on_sqlite else _PG_TABLES):  # type: ignore[attr-defined]
            order = " ORDER BY rowid" if on_sqlite else ""
            rows = await tx._all(f'SELECT * FROM "{t["name"]}"{order}')  # type: ignore[attr-defined]
            found = [tuple(r) for r in rows]
            out[t["name"]] = found if on_sqlite else sorted(found, key=repr)
    return out


def dump_file(path: Path | str) -> Dump:
    with closing(sqlite3.connect(path)) as db:
        names = [r[0] for r in db.execute(_TABLES)]
        return {n: db.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}


def scalar(path: Path | str, sql: str, args: tuple[object, ...] = ()) -> Any:
    found = query(path, sql, args)
    return found[0][0] if found else None


def query(path: Path | str, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of one statement (`?` placeholders) on the database a test set up beside the bot's
    processes: a SQLite file, or a PostgreSQL URL."""
    if str(path).startswith("postgresql://"):
        from tests import pg

        return pg.tuples_sync(str(path), sql, args)
    with closing(sqlite3.connect(path)) as db:
        return [tuple(r) for r in db.execute(sql, args).fetchall()]


# --- privacy: what reached a channel --------------------------------------------------------
CONTACT_FIELDS = ("Email", "Phone")


@dataclass(frozen=True)
class Post:
    where: str
    raw: str  # what went over the wire (JSON), or the transcript block
    text: str  # as a person reads it


@dataclass(frozen=True)
class Seen:
    posts: list[Post]
    contacts: set[str]  # prospects' emails and phones, as their DMs carried them


def _phone_digits(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    return digits if "@" not in value and len(digits) >= 7 else None


class ChannelPosts:
    """Every channel post a test made, on every platform it used, and the prospects' contact
    details those platforms carried in DMs (plus any a test declares). When the test ends,
    no post may hold any of them: a prospect's email and phone go to the receiver only."""

    def __init__(self) -> None:
        self._sources: list[Callable[[], Seen]] = []
        self.declared: set[str] = set()
        self.enabled = True

    def secret(self, *values: str | None) -> None:
        self.declared.update(v for v in values if v)

    def watch(self, messenger: RecordingMessenger) -> None:
        def seen() -> Seen:
            posts, contacts = [], set()
            for s in messenger.sent:
                if isinstance(s.to, UserRef):
                    contacts.update(_contacts(s.message))
                else:
                    raw = s.message.to_json()
                    posts.append(Post(f"{s.to.platform} {s.to.name}", raw, s.message.fallback()))
            return Seen(posts, contacts)

        self._sources.append(seen)

    def watch_slack(self, fake: FakeSlack) -> None:
        def seen() -> Seen:
            posts, contacts = [], set()
            for (where, _), m in list(fake.messages.items()):
                if where.startswith("D"):
                    for block in m.get("blocks") or []:
                        for f in block.get("fields", []):
                            name, _, value = f["text"].partition("\n")
                            if name.strip("*") in CONTACT_FIELDS:
                                contacts.add(visible(value, {}))
                else:
                    raw = json.dumps(m, ensure_ascii=False)
                    posts.append(Post(f"slack {where}", raw, message_text(m, fake.users)))
            return Seen(posts, contacts)

        self._sources.append(seen)

    def watch_discord(self, api: FakeDiscord) -> None:
        def seen() -> Seen:
            posts, contacts = [], set()
            dms = set(api.dm_channels.values())
            for channel, ids in list(api.channels.items()):
                for mid in ids:
                    m = api.messages[mid]
                    if channel in dms:
                        for e in m.get("embeds") or []:
                            for f in e.get("fields", []):
                                if f["name"] in CONTACT_FIELDS:
                                    contacts.add(f["value"].replace("\\", "").replace("\u200b", ""))
                    else:
                        raw = json.dumps(m, ensure_ascii=False)
                        posts.append(Post(f"discord {channel}", raw, discord_text(m)))
            return Seen(posts, contacts)

        self._sources.append(seen)

    def watch_transcript(self, transcript: str) -> None:
        def seen() -> Seen:
            posts, contacts = [], set()
            for block in transcript_blocks(transcript):
                if block[0].startswith("[#"):
                    whole = "\n".join(block)
                    posts.append(Post("console", whole, whole))
                elif block[0].startswith("[DM @"):
                    for line in block[1:]:
                        name, _, value = line.strip().partition(": ")
                        if name in CONTACT_FIELDS:
                            contacts.add(value)
            return Seen(posts, contacts)

        self._sources.append(seen)

    def seen(self) -> Seen:
        posts: list[Post] = []
        contacts = set(self.declared)
        for source in self._sources:
            s = source()
            posts += s.posts
            contacts |= s.contacts
        return Seen(posts, contacts)

    def leaks(self) -> list[tuple[str, str, str]]:
        """(where, contact, post text) for every post holding a prospect's contact detail."""
        if not self.enabled:
            return []
        seen = self.seen()
        found = []
        for post in seen.posts:
            squeezed = re.sub(r"[\s().\-/+]", "", post.text)
            for contact in seen.contacts:
                digits = _phone_digits(contact)
                if (
                    contact in post.raw
                    or contact in post.text
                    or (digits and re.search(rf"(?<!\d){digits}(?!\d)", squeezed))
                ):
                    found.append((post.where, contact, post.text[:300]))
        return found


def _contacts(message: OutMessage) -> set[str]:
    return {f.value.plain() for f in message.fields if f.name in CONTACT_FIELDS}


def transcript_blocks(transcript: str) -> list[list[str]]:
    """The console transcript cut into blocks: a first line and its indented lines."""
    out: list[list[str]] = []
    for line in transcript.splitlines():
        if line.startswith("  ") and out:
            out[-1].append(line)
        else:
            out.append([line])
    return out


# --- nothing pings ------------------------------------------------------------------------
def on_platform(message: OutMessage, platform: str) -> OutMessage:
    """`message` as the core would send it on `platform`: its members are that platform's
    users (same names), so a renderer is judged on the mentions it will really meet."""

    def local(u: UserRef) -> UserRef:
        if u.platform == platform:
            return u
        n = int.from_bytes(hashlib.sha256(repr(u).encode()).digest()[:6], "big")
        uid = str(900000000000000000 + n % 10**15) if platform == "discord" else f"U{n:012X}"
        return UserRef(platform, u.workspace, uid, u.display_name)

    def part(p: object) -> object:
        if isinstance(p, Mention):
            return Mention(local(p.user), p.ping)
        if isinstance(p, Listing):
            return dataclasses.replace(p, items=tuple(rich(i) for i in p.items))
        return p

    def rich(r: Rich) -> Rich:
        return Rich(tuple(part(p) for p in r.parts))  # type: ignore[misc]

    return dataclasses.replace(
        message,
        text=rich(message.text),
        fields=tuple(Field(f.name, rich(f.value)) for f in message.fields),
        actions=tuple(dataclasses.replace(a, command=rich(a.command)) for a in message.actions),
    )


SLACK_TOKEN = re.compile(r"<([^<>]*)>")


def slack_length(text: str) -> int:
    """A length in UTF-16 units: what Slack's JavaScript counts, never less than code points."""
    return len(text.encode("utf-16-le")) // 2


def slack_texts(message: OutMessage) -> list[str]:
    """Every mrkdwn string Slack would render for `message`: each part's notification text,
    section, field and context element (headers and buttons are plain text)."""
    out = []
    for part in slack_blocks.slack_messages(message):
        out.append(part.text)
        for block in part.blocks:
            text = block.get("text")
            if isinstance(text, dict) and text.get("type") == "mrkdwn":
                out.append(text["text"])
            out += [f["text"] for f in block.get("fields", [])]
            out += [e["text"] for e in block.get("elements", []) if e.get("type") == "mrkdwn"]
    return out


def slack_problems(message: OutMessage) -> list[str]:
    """What would ping, link or overflow if Slack showed `message`; empty when all is well."""
    message = on_platform(message, "slack")
    problems = []
    pinged = {u.user_id for u in message.pings()}
    pinged |= {u.user_id for a in message.actions for u in a.command.pings()}  # "Or type: …"
    for text in slack_texts(message):
        for token in SLACK_TOKEN.findall(text):
            target = token.partition("|")[0]
            if target.startswith("@"):
                if target[1:] not in pinged:
                    problems.append(f"pings {token!r}")
            elif target.startswith("!"):
                if not target.startswith("!date^"):
                    problems.append(f"special mention {token!r}")
            elif not target.startswith(("mailto:", "https://", "http://")):
                problems.append(f"live token {token!r}")
    for part in slack_blocks.slack_messages(message):
        problems += slack_part_problems(part.text, part.blocks)
    return problems


def slack_part_problems(text: str, blocks: list[dict]) -> list[str]:
    """What Slack would refuse or cut in one message, counted as Slack counts."""
    problems = []
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks")
    if slack_length(text) > slack_blocks.TEXT_MAX:
        problems.append("notification text too long")
    if blocks_text_length(blocks) > 12000:
        problems.append("blocks too long in all")
    for b in blocks:
        if b["type"] == "header" and slack_length(b["text"]["text"]) > slack_blocks.HEADER_MAX:
            problems.append("header too long")
        if (
            isinstance(b.get("text"), dict)
            and slack_length(b["text"]["text"]) > slack_blocks.SECTION_MAX
        ):
            problems.append("section too long")
        fields = b.get("fields", [])
        if len(fields) > slack_blocks.FIELDS_PER_SECTION:
            problems.append("too many fields")
        if any(slack_length(f["text"]) > slack_blocks.FIELD_MAX for f in fields):
            problems.append("field too long")
        for e in b.get("elements", []):
            if e.get("type") == "button":
                if slack_length(e["text"]["text"]) > slack_blocks.BUTTON_TEXT_MAX:
                    problems.append("button text too long")
                if slack_length(e.get("value", "")) > slack_blocks.BUTTON_VALUE_MAX:
                    problems.append("button value too long")
            elif slack_length(e.get("text", "")) > slack_blocks.SECTION_MAX:
                problems.append("context too long")
        if len(b.get("elements", [])) > slack_blocks.BUTTONS_MAX:
            problems.append("too many buttons")
    return problems


def blocks_text_length(blocks: list[dict]) -> int:
    """Every text and button value in the blocks, as sent (entities count whole)."""
    n = 0
    for b in blocks:
        if isinstance(b.get("text"), dict):
            n += slack_length(b["text"]["text"])
        n += sum(slack_length(f["text"]) for f in b.get("fields", []))
        for e in b.get("elements", []):
            if isinstance(e.get("text"), dict):
                n += slack_length(e["text"]["text"]) + slack_length(e.get("value", ""))
            elif isinstance(e.get("text"), str):
                n += slack_length(e["text"])
    return n


LIVE_EVERYONE = re.compile(r"@(?:everyone|here)")
# a user or role mention that can name a real one: Discord's ids are 17 to 20 digits (a shorter
# one shows as "@deleted-role" or "@unknown-user", and names nobody)
DISCORD_MENTION = re.compile(r"<@([!&]?)(\d{17,20})>")


def discord_problems(message: OutMessage, guild_id: str = "900000000000000100") -> list[str]:
    """What would ping or overflow if Discord showed `message`; empty when all is well."""
    message = on_platform(message, "discord")
    problems = []
    for out in discord_render.outgoing(message, guild_id):
        problems += _discord_part_problems(message, out)
    return problems


def _discord_part_problems(message: OutMessage, out: Any) -> list[str]:
    problems = []
    allowed = out.allowed_mentions.to_dict()
    if allowed.get("parse"):
        problems.append(f"allowed_mentions parses {allowed['parse']}")
    if allowed.get("roles"):
        problems.append("allowed_mentions names roles")
    may_ping = {
        int(u.user_id) for u in message.pings() if u.platform == "discord" and snowflake(u.user_id)
    }
    if not set(allowed.get("users", [])) <= may_ping:
        problems.append(f"allowed_mentions users {allowed.get('users')} beyond {may_ping}")
    if len(allowed.get("users", [])) > 100:
        problems.append(f"{len(allowed['users'])} allowed users")
    named = {
        int(u.user_id)
        for u in message.mentions()
        if u.platform == "discord" and snowflake(u.user_id)
    }
    texts = [out.content or ""]
    for embed in (e.to_dict() for e in out.embeds):
        texts += [embed.get("title", ""), embed.get("description", "")]
        texts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    # (an embed's footer is plain text: Discord shows it as it is and never pings from it)
    for text in texts:
        if LIVE_EVERYONE.search(text):
            problems.append(f"live @everyone/@here in {text[:80]!r}")
        for kind, uid in DISCORD_MENTION.findall(text):
            if kind == "&" or int(uid) not in named:
                problems.append(f"mention <@{kind}{uid}> of someone the message does not name")
    if out.content is not None and len(out.content) > discord_render.CONTENT:
        problems.append("content too long")
    if len(out.embeds) > 10:
        problems.append(f"{len(out.embeds)} embeds")
    if sum(len(e) for e in out.embeds) > discord_render.EMBED_TOTAL:
        problems.append("embeds too long in all")
    for e in out.embeds:
        if len(e.title or "") > discord_render.TITLE:
            problems.append("title too long")
        if len(e.description or "") > discord_render.DESCRIPTION:
            problems.append("description too long")
        if len(e.fields) > discord_render.FIELDS:
            problems.append("too many fields")
        for f in e.fields:
            if len(f.name or "") > discord_render.FIELD_NAME:
                problems.append("field name too long")
            if len(f.value or "") > discord_render.FIELD_VALUE:
                problems.append("field value too long")
        if len(e.footer.text or "") > discord_render.FOOTER:
            problems.append("footer too long")
        if len(e) > discord_render.EMBED_TOTAL:
            problems.append("embed too long")
    if out.view is not None:
        for item in out.view.children:
            if len(getattr(item, "label", "") or "") > 80:
                problems.append("button label too long")
            if len(getattr(item, "custom_id", "") or "") > 100:
                problems.append("custom_id too long")
    return problems


# --- right-to-left marks ------------------------------------------------------------------
EMBEDDINGS = "\u202a\u202b\u202d\u202e"  # LRE RLE LRO RLO, each closed by PDF
PDF = "\u202c"
ISOLATES = "\u2066\u2067\u2068"  # LRI RLI FSI, each closed by PDI
PDI = "\u2069"


def open_bidi_scopes(text: str) -> list[str]:
    """The explicit embeddings, overrides and isolates still open at the end of `text`
    (UAX #9, rules X1-X8, one paragraph): whatever follows on the line is laid out inside them."""
    stack: list[str] = []
    for ch in text:
        if ch in "\n\r\u2029":
            stack.clear()  # a paragraph separator ends every scope
        elif ch in EMBEDDINGS or ch in ISOLATES:
            stack.append(ch)
        elif ch == PDF:
            if stack and stack[-1] in EMBEDDINGS:
                stack.pop()
        elif ch == PDI and any(c in ISOLATES for c in stack):
            # a PDI closes the innermost isolate and every embedding opened inside it
            closed = stack.pop()
            while closed not in ISOLATES:
                closed = stack.pop()
    return stack
