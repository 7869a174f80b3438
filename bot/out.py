"""What the bot says: a platform-neutral message with fields and actions, and its JSON form."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from json.encoder import encode_basestring as quote  # as json.dumps(ensure_ascii=False)

from bot.model import UserRef
from bot.text import Rich, lit, rich_from_json


@dataclass(frozen=True)
class Action:
    """A button. `action_id` comes back from the platform on a click; `command` is the typed
    equivalent shown beside it, so every action can also be done by typing."""

    label: str
    action_id: str
    command: Rich
    style: str = "default"  # default | primary | danger


@dataclass(frozen=True)
class Field:
    name: str
    value: Rich


@dataclass(frozen=True)
class OutMessage:
    """`text` is the headline; `fields` carry details; `fallback()` is the complete plain text."""

    text: Rich
    title: str | None = None
    fields: tuple[Field, ...] = ()
    actions: tuple[Action, ...] = ()
    ephemeral: bool = False
    kind: str = ""  # a stable label ("referral.received"), for logs, tests and adapters
    attachments: tuple[str, ...] = field(default=())  # file paths, for later recaps/exports
    about: int | None = None  # the referral this message is about, if any

    def body(self) -> Rich:
        """Headline plus fields, as rich text: the complete message without its buttons."""
        r = self.text
        for f in self.fields:
            r = r + lit(f"\n{f.name}: ") + f.value
        return r

    def fallback(self) -> str:
        return self.body().plain()

    def mentions(self) -> tuple[UserRef, ...]:
        return self.body().mentions()

    def pings(self) -> tuple[UserRef, ...]:
        """The members this message may notify; adapters allow pings for these only."""
        return self.body().pings()

    def to_json(self) -> str:
        """The outbox's stored form: what `json.dumps(..., ensure_ascii=False)` writes for
        the dict `from_json` reads, put together from each rich text's own JSON (`Rich.json`),
        so the parts many messages share are written out once (a reminder minute queues
        ~186,000 messages)."""
        fields = actions = attachments = ""
        if self.fields:
            fields = ", ".join([f"[{quote(f.name)}, {f.value.json}]" for f in self.fields])
        if self.actions:
            actions = ", ".join(
                [
                    f"[{quote(a.label)}, {quote(a.action_id)}, {a.command.json}, {quote(a.style)}]"
                    for a in self.actions
                ]
            )
        if self.attachments:
            attachments = ", ".join(map(quote, self.attachments))
        title = "null" if self.title is None else quote(self.title)
        about = "null" if self.about is None else str(int(self.about))
        return (
            f'{{"text": {self.text.json}, "title": {title}, "fields": [{fields}],'
            f' "actions": [{actions}], "ephemeral": {"true" if self.ephemeral else "false"},'
            f' "kind": {quote(self.kind)}, "attachments": [{attachments}], "about": {about}}}'
        )

    @classmethod
    def from_json(cls, data: str) -> OutMessage:
        d = json.loads(data)
        return cls(
            text=rich_from_json(d["text"]),
            title=d["title"],
            fields=tuple(Field(n, rich_from_json(v)) for n, v in d["fields"]),
            actions=tuple(
                Action(label, aid, rich_from_json(cmd), style)
                for label, aid, cmd, style in d["actions"]
            ),
            ephemeral=d["ephemeral"],
            kind=d["kind"],
            attachments=tuple(d.get("attachments", ())),
            about=d.get("about"),
        )
