"""Slack's and Discord's published limits, checked on payloads as the platforms receive them.

The numbers are the platforms' own, written out here rather than taken from the renderers,
so a renderer cannot pass by moving its own constant:

Slack (docs.slack.dev/reference/block-kit/blocks and …/blocks/section-block, header-block,
actions-block; chat.postMessage):
  a message holds at most 50 blocks; a section's text at most 3,000 characters; at most 10
  fields of 2,000; a header 150; an actions block 25 elements, a button's text 75 and its
  value 2,000; a message whose blocks hold more than about 12,000 characters in all is
  refused with `msg_blocks_too_long` (slackapi/bolt-js #2509, #2867); `text` is advised to
  stay under 4,000. Slack's JavaScript counts UTF-16 units, which we count (never fewer
  than code points), and entities as sent (`&amp;` is 5).
Discord (discord.com/developers/docs/resources/message: "Embed Limits", "Create Message",
"Allowed Mentions Object"):
  content at most 2,000 characters; an embed's title 256, description 4,096, at most 25
  fields, a field's name 256 and value 1,024, a footer 2,048, and all of a message's embeds
  together 6,000; at most 10 embeds; allowed_mentions.users at most 100 ids (more: 400,
  code 50035). Discord counts code points.
"""

from __future__ import annotations

import re
from typing import Any

SLACK_BLOCKS = 50
SLACK_SECTION = 3000
SLACK_FIELDS = 10
SLACK_FIELD = 2000
SLACK_HEADER = 150
SLACK_BUTTONS = 25
SLACK_BUTTON_TEXT = 75
SLACK_BUTTON_VALUE = 2000
SLACK_BLOCKS_TOTAL = 12000
SLACK_TEXT = 4000

DISCORD_CONTENT = 2000
DISCORD_TITLE = 256
DISCORD_DESCRIPTION = 4096
DISCORD_FIELDS = 25
DISCORD_FIELD_NAME = 256
DISCORD_FIELD_VALUE = 1024
DISCORD_FOOTER = 2048
DISCORD_EMBEDS_TOTAL = 6000
DISCORD_EMBEDS = 10
DISCORD_ALLOWED_USERS = 100


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_SLACK_TOKEN = re.compile(r"<[^<>]*>")


def slack_texts(message: dict[str, Any], mrkdwn_only: bool = False) -> list[str]:
    """Every mrkdwn (and, unless `mrkdwn_only`, plain) text a Slack message shows, one
    string per element (a header, a section, a field, a context element, a button)."""
    out = []
    for b in message.get("blocks") or []:
        objects = [b["text"]] if isinstance(b.get("text"), dict) else []
        objects += b.get("fields", [])
        for e in b.get("elements", []):
            objects.append(e["text"] if isinstance(e.get("text"), dict) else e)
        out += [
            o["text"]
            for o in objects
            if isinstance(o.get("text"), str) and (o.get("type") == "mrkdwn" or not mrkdwn_only)
        ]
    return out


def slack_problems(message: dict[str, Any]) -> list[str]:
    """What Slack would refuse or cut in a chat.postMessage / response_url payload."""
    problems: list[str] = []
    blocks = message.get("blocks") or []
    if len(blocks) > SLACK_BLOCKS:
        problems.append(f"{len(blocks)} blocks")
    if utf16(message.get("text", "")) > SLACK_TEXT:
        problems.append(f"text of {utf16(message['text'])}")
    total = 0
    for b in blocks:
        if b["type"] == "header" and utf16(b["text"]["text"]) > SLACK_HEADER:
            problems.append("header too long")
        if b["type"] == "section" and "text" in b and utf16(b["text"]["text"]) > SLACK_SECTION:
            problems.append(f"section of {utf16(b['text']['text'])}")
        fields = b.get("fields", [])
        if len(fields) > SLACK_FIELDS:
            problems.append(f"{len(fields)} fields")
        problems += [
            f"field of {utf16(f['text'])}" for f in fields if utf16(f["text"]) > SLACK_FIELD
        ]
        buttons = [e for e in b.get("elements", []) if e.get("type") == "button"]
        if len(buttons) > SLACK_BUTTONS:
            problems.append(f"{len(buttons)} buttons")
        for e in buttons:
            if utf16(e["text"]["text"]) > SLACK_BUTTON_TEXT:
                problems.append("button text too long")
            if utf16(e.get("value", "")) > SLACK_BUTTON_VALUE:
                problems.append("button value too long")
            total += utf16(e.get("value", ""))
    for text in slack_texts(message):
        total += utf16(text)
    for text in slack_texts(message, mrkdwn_only=True):
        # every <…> token whole in its own element: a cut one would leave a lone < or >
        rest = _SLACK_TOKEN.sub("", text)
        if "<" in rest or ">" in rest:
            problems.append(f"a token cut in {text[:60]!r}")
    if total > SLACK_BLOCKS_TOTAL:
        problems.append(f"blocks of {total} characters in all")
    rest = _SLACK_TOKEN.sub("", message.get("text", ""))
    if "<" in rest or ">" in rest:
        problems.append("a token cut in the notification text")
    return problems


def discord_texts(message: dict[str, Any]) -> list[str]:
    """Every markdown text a Discord message shows: content, each embed's parts."""
    out = [message.get("content") or ""]
    for e in message.get("embeds") or []:
        out += [e.get("title") or "", e.get("description") or ""]
        out += [f"{f['name']}\n{f['value']}" for f in e.get("fields", [])]
        out.append((e.get("footer") or {}).get("text", ""))
    return [t for t in out if t]


def discord_problems(message: dict[str, Any]) -> list[str]:
    """What Discord would refuse in a Create Message (or follow-up) payload."""
    problems: list[str] = []
    if len(message.get("content") or "") > DISCORD_CONTENT:
        problems.append(f"content of {len(message['content'])}")
    embeds = message.get("embeds") or []
    if len(embeds) > DISCORD_EMBEDS:
        problems.append(f"{len(embeds)} embeds")
    total = 0
    for e in embeds:
        title, description = e.get("title") or "", e.get("description") or ""
        footer = (e.get("footer") or {}).get("text", "")
        fields = e.get("fields", [])
        if len(title) > DISCORD_TITLE:
            problems.append("title too long")
        if len(description) > DISCORD_DESCRIPTION:
            problems.append(f"description of {len(description)}")
        if len(footer) > DISCORD_FOOTER:
            problems.append("footer too long")
        if len(fields) > DISCORD_FIELDS:
            problems.append(f"{len(fields)} fields")
        for f in fields:
            if len(f["name"]) > DISCORD_FIELD_NAME:
                problems.append("field name too long")
            if len(f["value"]) > DISCORD_FIELD_VALUE:
                problems.append(f"field value of {len(f['value'])}")
        total += len(title) + len(description) + len(footer)
        total += sum(len(f["name"]) + len(f["value"]) for f in fields)
    if total > DISCORD_EMBEDS_TOTAL:
        problems.append(f"embeds of {total} characters in all")
    users = (message.get("allowed_mentions") or {}).get("users") or []
    if len(users) > DISCORD_ALLOWED_USERS:
        problems.append(f"{len(users)} allowed users")
    for text in discord_texts(message):
        if len(re.findall(r"(?<!\\)`", text)) % 2:
            problems.append(f"a code span cut in {text[:60]!r}")
        if re.search(r"<@!?&?\d*$|^\d*>", text):
            problems.append(f"a mention cut in {text[:60]!r}")
    return problems
