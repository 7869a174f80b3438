"""The outbox on SQLite: queueing messages, claiming them for delivery, and recording what
became of each, every change after a claim fenced by the claim's token.

The unit of work's `outbox` store. This is the SQL the delivery guarantees rest on: each
conversation (a lane) has at most one message claimed at a time, in the order its messages
were queued, whichever process claims it; and a worker whose claim went stale and was taken
over can change nothing any more.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii
from typing import Any

from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.ports import OutboxItem, Target
from storage.sqlite.base import Store, new_token

ERROR_KEPT = 500  # characters of a platform's error kept in last_error


# platforms where a person has one DM conversation with the bot whatever the workspace that
# queued the message (a Discord user's DM channel is not a guild's)
ONE_DM_CHANNEL = frozenset({"discord"})


def lane(target: Target) -> str:
    """The conversation a message goes to; migrations 0010 and 0015 compute the same from
    the JSON."""
    if isinstance(target, UserRef):
        if target.platform in ONE_DM_CHANNEL:
            return f"dm:{target.platform}:{target.user_id}"
        return f"dm:{target.platform}:{target.workspace}:{target.user_id}"
    return f"post:{target.platform}:{target.workspace}:{target.channel_id or ''}"


# A row is claimable only when nothing queued before it in its lane is still to go out (going
# out now, or waiting, a retry's backoff included), and nothing else in its lane is going out
# now, whatever its order: so a conversation has one message out at a time, taken in the
# order they were queued, and a message waiting for its retry is never overtaken by a later
# one. (A message scheduled for later, after quiet hours, comes after what is queued for
# now: lanes are ordered by send_at, then id. A held message released to its earlier time,
# the monthly recap, can come to be ordered before a message already going out: it waits
# for that one.) A claim gone stale holds back nothing it is ordered after: its process
# died, and it goes again behind the rest (else two stale claims could hold each other back
# forever). Each branch reads outbox_due in (next_attempt_at, id) order with that check per
# row, and the two are merged, so the LIMIT stops the reading (one OR'd WHERE made SQLite
# sort every due row for each batch: bench/plans.py). The check is two probes of
# outbox_lane.
_EARLIER_IN_LANE = (
    "NOT EXISTS (SELECT 1 FROM outbox AS e WHERE e.lane = d.lane"
    " AND e.state IN ('pending', 'sending') AND (e.send_at, e.id) < (d.send_at, d.id))"
)


def _first_in_lane(live: str) -> str:
    """The lane check; `live` is the condition on a 'sending' row `f` that makes it hold its
    lane whatever its order (its claim is not stale)."""
    return (
        f"{_EARLIER_IN_LANE} AND NOT EXISTS (SELECT 1 FROM outbox AS f WHERE f.lane = d.lane"
        f" AND f.state IN ('pending', 'sending') AND f.state = 'sending' AND f.id <> d.id"
        f" AND {live})"
    )


_FIRST_IN_LANE = _first_in_lane("f.claimed_at >= :stale")
_CLAIM = {
    "sets": "state = 'sending', claimed_at = :now, claim_token = :token, attempts = attempts + 1",
    "fresh": f"state = 'pending' AND next_attempt_at <= :now AND {_FIRST_IN_LANE}",
    "stale": f"state = 'sending' AND claimed_at < :stale AND {_FIRST_IN_LANE}",
    "order": "next_attempt_at",
    "returning": "id, group_id, target, payload, attempts, parts_sent",
}


_OURS = "id = ? AND state = 'sending' AND claim_token = ?"


_ADD = (
    "INSERT INTO outbox (group_id, target, payload, next_attempt_at, created_at,"
    " lane, send_at, delay_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def home_lane(user: UserRef) -> str:
    """A person's Home tab: apart from their DMs, so a page refresh and a DM never wait for
    each other."""
    return f"home:{user.platform}:{user.workspace}:{user.user_id}"


def _added(
    group_id: int | None,
    target: Target,
    message: OutMessage,
    now: int,
    due: int | None,
    in_lane: str | None = None,
) -> tuple[Any, ...]:
    """A queued message's row for _ADD: to go at once, or at `due`."""
    at = now if due is None else due
    return (
        group_id,
        _target_json(target),
        message.to_json(),
        at,
        now,
        in_lane or lane(target),
        at,
        now if due is None else None,
    )


def _target_json(target: Target) -> str:
    """What json.dumps writes for {"dm": [...]} or {"post": [...]}, written directly: a
    reminder minute stores ~186,000."""
    if isinstance(target, UserRef):
        values = (target.platform, target.workspace, target.user_id, target.display_name)
        return '{"dm": [' + ", ".join(map(_ascii, values)) + "]}"
    values = (target.platform, target.workspace, target.channel_id, target.name)
    return '{"post": [' + ", ".join(map(_ascii, values)) + "]}"


def dm_target_prefix(platform: str, workspace: str) -> str:
    """How the stored target of every DM queued in `workspace` begins (a DM's lane may not
    name its workspace: ONE_DM_CHANNEL)."""
    return '{"dm": [' + _ascii(platform) + ", " + _ascii(workspace) + ", "


def _ascii(value: object) -> str:
    return encode_basestring_ascii(value) if isinstance(value, str) else json.dumps(value)


def _target_from_json(data: str) -> Target:
    d = json.loads(data)
    if "dm" in d:
        return UserRef(*d["dm"])
    return ChannelRef(*d["post"])


class SqliteOutbox(Store):
    async def add(
        self,
        group_id: int | None,
        target: Target,
        message: OutMessage,
        now: int,
        due: int | None = None,
    ) -> int:
        """Queue a message, to go at once, or at `due` (a moment in the calendar)."""
        return await self._insert(_ADD, _added(group_id, target, message, now, due))

    async def add_many(
        self,
        group_id: int | None,
        queued: Sequence[tuple[Target, OutMessage, int | None]],
        now: int,
    ) -> None:
        """Queue several messages in one statement, in order, as `outbox_add` each."""
        await self._db.executemany(
            _ADD, [_added(group_id, target, m, now, due) for target, m, due in queued]
        )

    async def add_refresh(self, user: UserRef, message: OutMessage, now: int) -> bool:
        """Queue a page refresh for `user` unless one is still waiting (not claimed yet): the
        page is built when it goes, so the one waiting will show this change too."""
        home = home_lane(user)
        waiting = await self._one(
            "SELECT id FROM outbox WHERE lane = ? AND state = 'pending' LIMIT 1", (home,)
        )
        if waiting is not None:
            return False
        await self._insert(_ADD, _added(None, user, message, now, None, home))
        return True

    async def claim(
        self, now: int, limit: int, stale_before: int, token: str | None = None
    ) -> list[OutboxItem]:
        """Claim up to `limit` due messages under `token`, at most one per conversation: the
        first one still to go out there. A row left 'sending' since before `stale_before` (its
        process died) is claimed again."""
        claim = token or new_token()
        rows = await self._all(
            self.dialect.claim("outbox", **_CLAIM), {"now": now, "stale": stale_before, "limit": limit, "token": claim}
        )
        rows.sort(key=lambda r: r["id"])
        return [
            OutboxItem(
                r["id"],
                r["group_id"],
                _target_from_json(r["target"]),
                OutMessage.from_json(r["payload"]),
                r["attempts"],
                claim,
                r["parts_sent"],
            )
            for r in rows
        ]

    async def sent(self, sent: list[tuple[OutboxItem, int]]) -> int:
        """Mark messages the platform took (each with when); returns how many were still
        this claim's (a row taken over by another worker is left to it)."""
        done = 0
        for item, at in sent:
            cur = await self._db.execute(
                f"UPDATE outbox SET state = 'sent', sent_at = ?, last_error = NULL WHERE {_OURS}",
                (at, item.id, item.claim),
            )
            done += cur.rowcount
        return done

    async def retry(
        self, item: OutboxItem, next_attempt_at: int, error: str, delay_from: int | None = None
    ) -> bool:
        """Try again at `next_attempt_at`: a delay measured from `delay_from` (the attempt)."""
        cur = await self._db.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?, delay_from = ?,"
            f" last_error = ?, claim_token = NULL WHERE {_OURS}",
            (next_attempt_at, delay_from, error[:ERROR_KEPT], item.id, item.claim),
        )
        return cur.rowcount == 1

    async def rebase(self, now: int) -> int:
        """Messages waiting out a delay that began at an instant this clock has not reached
        (the clock was set back since) wait the delay from `now` instead: never longer than
        the delay, however far the clock went back. Messages due at a moment in the calendar
        (quiet hours' end) keep it. Along outbox_delay, named: outbox_due would read every
        pending message, a reminder minute's backlog, at every tick."""
        cur = await self._db.execute(
            f"UPDATE outbox{self.dialect.indexed_by('outbox_delay')}"
            " SET next_attempt_at = :now"
            " + CASE WHEN next_attempt_at > delay_from THEN next_attempt_at - delay_from ELSE 0 END,"
            " delay_from = :now WHERE state = 'pending' AND delay_from > :now",
            {"now": now},
        )
        return int(cur.rowcount)

    async def failed(self, item: OutboxItem, error: str) -> bool:
        cur = await self._db.execute(
            f"UPDATE outbox SET state = 'failed', last_error = ? WHERE {_OURS}",
            (error[:ERROR_KEPT], item.id, item.claim),
        )
        return cur.rowcount == 1

    async def progress(self, item: OutboxItem, parts: int) -> bool:
        """The platform took the first `parts` parts of a message sent in several: a later
        claim of the row starts after them. False when the claim is no longer this one's."""
        cur = await self._db.execute(
            f"UPDATE outbox SET parts_sent = ? WHERE {_OURS}", (parts, item.id, item.claim)
        )
        return cur.rowcount == 1

    async def release(self, items: list[OutboxItem]) -> None:
        """Hand back claimed messages that were never tried: pending again at once, the
        claim's attempt not counted; only while the claim is still theirs."""
        for item in items:
            await self._db.execute(
                "UPDATE outbox SET state = 'pending', attempts = attempts - 1,"
                f" claimed_at = NULL, claim_token = NULL WHERE {_OURS}",
                (item.id, item.claim),
            )

    async def put_back(self, item: OutboxItem, next_attempt_at: int, now: int) -> bool:
        """Pending again, untried (no attempt counted), due at `next_attempt_at`."""
        cur = await self._db.execute(
            "UPDATE outbox SET state = 'pending', attempts = attempts - 1, claimed_at = NULL,"
            f" claim_token = NULL, next_attempt_at = ?, delay_from = ? WHERE {_OURS}",
            (next_attempt_at, now, item.id, item.claim),
        )
        return cur.rowcount == 1

    async def renew(self, tokens: list[str], now: int) -> int:
        """Keep claims that are still being worked on from going stale (a long wait for a
        platform's rate limit)."""
        renewed = 0
        for token in tokens:
            cur = await self._db.execute(
                "UPDATE outbox SET claimed_at = ? WHERE claim_token = ? AND state = 'sending'",
                (now, token),
            )
            renewed += cur.rowcount
        return renewed

    async def next_due(self) -> int | None:
        """When the next message may go out: the earliest next attempt among messages first
        in their conversation (one behind another, or beside one going out now, waits for
        it, whatever its own time)."""
        row = await self._one(
            f"SELECT next_attempt_at AS t FROM outbox AS d{self.dialect.indexed_by('outbox_due')}"
            f" WHERE state = 'pending' AND {_first_in_lane('1 = 1')}"
            " ORDER BY next_attempt_at LIMIT 1"
        )
        return row["t"] if row else None

    async def prune(self, before: int, limit: int) -> int:
        """Up to `limit` messages delivered or given up on before `before`: a receiver's DM
        keeps the prospect's email and phone in its stored copy."""
        # a row's last attempt (next_attempt_at) is at or before it was sent or given up on,
        # so the range on outbox_due visits old rows only, never the 30 days kept
        cur = await self._db.execute(
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
            " WHERE state IN ('sent', 'failed') AND next_attempt_at < :before"
            " AND COALESCE(sent_at, next_attempt_at) < :before LIMIT :limit)",
            {"before": before, "limit": limit},
        )
        return int(cur.rowcount)

    async def release_held(self, item_id: int, message: OutMessage, due: int) -> None:
        """Send a held message (queued with a later due time) at `due`, as `message`: the
        monthly recap, once its chart is drawn or known not to be."""
        await self._db.execute(
            "UPDATE outbox SET payload = ?, next_attempt_at = ?, send_at = ?"
            " WHERE id = ? AND state = 'pending'",
            (message.to_json(), due, due, item_id),
        )
