"""What the running bot logs, and how: one record a line (`text`, or `json` for a log
collector), every control character escaped, no request body, no token.

Anything a request carries can reach a log record: an exception's message, a button's id,
a forged header. Escaping `\\n` and every other control character keeps one record on one
line, so a newline in a request cannot write a forged, well-formed record. A traceback's
lines follow their record indented, so no continuation can pass for the start of a record.
slack_bolt writes whole request bodies (a command's text with a prospect's name and email,
its response_url, the verification token) at INFO in several places: those records are cut
before the body. Tokens that look like Slack's or Discord's, the values of the variables
that hold secrets, and email addresses are replaced wherever they appear.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

FORMATS = ("text", "json")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# loggers of the libraries that dump request bodies, and the app logger bolt names after
# the app ("rapport", "rapport:<listener>")
_BODY_LOGGERS = ("slack_bolt", "slack_sdk", "adapters.slack.bolt", "rapport:")
_BODY = re.compile(r"\b(?:request\s+)?body\b|\{", re.IGNORECASE)

_TOKENS = re.compile(
    r"\bxox[a-z]-[A-Za-z0-9-]+"  # Slack bot, user and refresh tokens
    r"|\bxapp-[A-Za-z0-9-]+"  # Slack app-level tokens
    r"|\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"  # Discord bot tokens
)
_EMAIL = re.compile(r"[^\s<>()\[\]{}\"',;:]+@[^\s<>()\[\]{}\"',;:]+\.[A-Za-z]{2,}")


def escape(text: str) -> str:
    """Control characters as visible escapes: one record stays on one line."""
    return _CONTROL.sub(_escaped, text)


def _escaped(m: re.Match[str]) -> str:
    c = m.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


class Scrub(logging.Filter):
    """Cuts a library's record before the request body it carries, and replaces tokens,
    the given secrets and email addresses in every record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 8}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.name.startswith(_BODY_LOGGERS) and (body := _BODY.search(message)):
            kept = message[: body.start()].rstrip(" :(,")
            message = f"{kept} (request body not logged)" if kept else "(request body not logged)"
        message = self.clean(message)
        record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            # the traceback is rendered here, once, and scrubbed like the message
            record.exc_text = self.clean("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        return True

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[secret]")
        text = _TOKENS.sub("[token]", text)
        return _EMAIL.sub("[email]", text)


class TextFormatter(logging.Formatter):
    """`2026-12-02 07:00:00,000 INFO bot.service: …`, then a traceback's lines indented."""

    def format(self, record: logging.LogRecord) -> str:
        line = (
            f"{self.formatTime(record)} {record.levelname} {escape(record.name)}:"
            f" {escape(record.getMessage())}"
        )
        for extra in _extras(record, self):
            line += "\n    " + escape(extra)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, and error (a traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        extras = list(_extras(record, self))
        if extras:
            out["error"] = "\n".join(extras)
        # ensure_ascii: every control character, and U+2028/2029, written as an escape
        return json.dumps(out, ensure_ascii=True)


def _extras(record: logging.LogRecord, formatter: logging.Formatter) -> Iterable[str]:
    """A traceback's (and a stack's) lines."""
    text = record.exc_text
    if not text and record.exc_info:
        text = formatter.formatException(record.exc_info)
    # split at newlines only: any other line break (\r, \v, U+2028) is escaped in its line
    if text:
        yield from text.rstrip("\n").split("\n")
    if record.stack_info:
        yield from formatter.formatStack(record.stack_info).rstrip("\n").split("\n")


class _RapportHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure` installs (and replaces when called again)."""


def configure(
    *, verbose: bool, fmt: str = "text", stream: TextIO, secrets: Iterable[str] = ()
) -> logging.Handler:
    """Log to `stream` in `fmt` (INFO and up with `verbose`, else WARNING and up). Replaces
    the handler an earlier call installed; leaves any other handler alone."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _RapportHandler)]:
        root.removeHandler(old)
    handler = _RapportHandler(stream)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(Scrub(secrets))
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    return handler
