"""Members' data on SQLite: exports for the admin, a member's own data, forgetting a member,
and erasing prospects' contact details after the retention period.

The unit of work's `privacy` store, kept apart because these are the queries a privacy
review reads.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from storage.sqlite.base import Store

FORGOTTEN_NAME = "former member"


# a referral as both its giver and its receiver may see it (the amount is the receiver's)
_REFERRAL_COLUMNS = (
    "id, group_id, giver_id, receiver_id, kind, prospect, email, phone, need,"
    " CASE WHEN heat_given = 1 THEN heat END AS heat, inside, status, ended, ended_at,"
    " created_at, updated_at, thanked_at, source"
)


def _rows(rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    return [dict(r) for r in rows]


class SqlitePrivacy(Store):
    async def export_rows(
        self,
        group_id: int,
        since: int,
        until: int,
        contacts: bool,
        days: tuple[str, str] | None = None,
        months: list[tuple[str, int, int]] | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """The group's records in [since, until) as rows, names joined in. Prospect contact
        details only when asked for; closed business without per-member amounts (those are
        private to the receiver), with the group's monthly totals beside it. Attendance is
        kept by the group's local meeting day: `days` is [first, after last) as YYYY-MM-DD
        (without it, the UTC days of `since` and `until`), and the totals by the group's
        local `months`, each (label, first instant, next month's first instant) (without
        them, by UTC month)."""
        sql = self.dialect
        contact_cols = ", r.email, r.phone" if contacts else ""
        args = {"g": group_id, "s": since, "u": until}
        out: dict[str, list[dict[str, Any]]] = {}
        for kind in ("referral", "lead"):
            out[kind + "s"] = _rows(
                await self._all(
                    f"SELECT r.id, {sql.utc_text('r.created_at')} AS logged_utc,"
                    " g.display_name AS giver, v.display_name AS receiver, r.prospect"
                    f"{contact_cols}, r.need,"
                    " CASE WHEN r.heat_given = 1 THEN r.heat END AS heat, r.inside, r.source,"
                    " COALESCE(r.ended, r.status) AS status,"
                    f" {sql.utc_text('r.updated_at')} AS updated_utc"
                    " FROM referrals r JOIN members g ON g.id = r.giver_id"
                    " JOIN members v ON v.id = r.receiver_id"
                    " WHERE r.group_id = :g AND r.kind = :k AND r.created_at >= :s"
                    " AND r.created_at < :u AND COALESCE(r.ended, '') <> 'withdrawn'"
                    " ORDER BY r.created_at, r.id",
                    {**args, "k": kind},
                )
            )
        # the sources of referrals (seed 002): how many of each came from where
        out["referral_sources"] = _rows(
            await self._all(
                "SELECT COALESCE(r.source, 'not said') AS source,"
                " SUM(CASE WHEN r.kind = 'referral' THEN 1 ELSE 0 END) AS referrals,"
                " SUM(CASE WHEN r.kind = 'lead' THEN 1 ELSE 0 END) AS leads"
                " FROM referrals r WHERE r.group_id = :g AND r.created_at >= :s"
                " AND r.created_at < :u AND COALESCE(r.ended, '') <> 'withdrawn'"
                " GROUP BY COALESCE(r.source, 'not said') ORDER BY 2 DESC, 1",
                args,
            )
        )
        out["closed_business"] = _rows(
            await self._all(
                f"SELECT {sql.utc_text('c.at')} AS reported_utc, v.display_name AS receiver,"
                " g.display_name AS giver, c.referral_id, c.business FROM closed_business c"
                " JOIN members v ON v.id = c.receiver_id LEFT JOIN members g ON g.id = c.giver_id"
                " WHERE c.group_id = :g AND c.at >= :s AND c.at < :u ORDER BY c.at, c.id",
                args,
            )
        )
        if months:
            values = ", ".join(
                f"(CAST(:m{i} AS TEXT), CAST(:m{i}s AS BIGINT), CAST(:m{i}u AS BIGINT))"
                for i in range(len(months))
            )
            bounds: dict[str, Any] = {}
            for i, (label, start, end) in enumerate(months):
                bounds.update({f"m{i}": label, f"m{i}s": start, f"m{i}u": end})
            month_of = (
                f"(WITH months (label, s, u) AS (VALUES {values})"
                " SELECT label FROM months WHERE at >= s AND at < u)"
            )
        else:
            bounds, month_of = {}, sql.utc_month("at")
        new, repeat = (
            f"COALESCE(SUM(amount_cents) FILTER (WHERE business = '{b}'), 0)"
            for b in ("new", "repeat")
        )
        out["closed_business_totals"] = _rows(
            await self._all(
                f"SELECT {month_of} AS month, currency,"
                f" {sql.cents_text('SUM(amount_cents)')} AS total,"
                f" {sql.cents_text(new)} AS new_business,"
                f" {sql.cents_text(repeat)} AS repeat_business,"
                " COUNT(*) AS reports"
                " FROM closed_business WHERE group_id = :g AND at >= :s AND at < :u"
                " GROUP BY month, currency ORDER BY month",
                {**args, **bounds},
            )
        )
        out["one_to_ones"] = _rows(
            await self._all(
                f"SELECT {sql.utc_text('o.met_at')} AS met_utc, a.display_name AS member,"
                " b.display_name AS with_member, o.confirmed FROM one_to_ones o"
                " JOIN members a ON a.id = o.member_a JOIN members b ON b.id = o.member_b"
                " WHERE o.group_id = :g AND o.met_at >= :s AND o.met_at < :u ORDER BY o.met_at",
                args,
            )
        )
        first, after = days or (None, None)
        out["attendance"] = _rows(
            await self._all(
                "SELECT t.day, m.display_name AS member, t.rsvp, t.status FROM attendance t"
                " JOIN members m ON m.id = t.member_id WHERE t.group_id = :g"
                f" AND t.day >= COALESCE(:d0, {sql.utc_date(':s')})"
                f" AND t.day < COALESCE(:d1, {sql.utc_date(':u')})"
                " ORDER BY t.day, m.display_name",
                {**args, "d0": first, "d1": after},
            )
        )
        return out

    async def member_data(self, member_id: int) -> dict[str, Any]:
        """Everything stored about one member, for them to take away."""
        m = await self._one("SELECT * FROM members WHERE id = ?", (member_id,))
        assert m is not None
        profile = {k: m[k] for k in m.keys()}  # noqa: SIM118 (sqlite3.Row)
        # what the giver gave, as they see it: never the amount it closed at, which is the
        # receiver's to see (and the group's totals')
        given = await self._all(
            f"SELECT {_REFERRAL_COLUMNS} FROM referrals WHERE giver_id = ? ORDER BY created_at",
            (member_id,),
        )
        received = await self._all(
            f"SELECT {_REFERRAL_COLUMNS}, amount_cents FROM referrals WHERE receiver_id = ?"
            " ORDER BY created_at",
            (member_id,),
        )
        return {
            "profile": profile,
            "referrals_and_leads_given": _rows(given),
            "referrals_and_leads_received": _rows(received),
            "status_changes_you_made": _rows(
                await self._all(
                    "SELECT referral_id, status, note, at, old_amount_cents, new_amount_cents"
                    " FROM referral_events WHERE member_id = ?"
                    " ORDER BY at",
                    (member_id,),
                )
            ),
            "closed_business_corrections_you_made": _rows(
                await self._all(
                    "SELECT business_id, referral_id, old_amount_cents, new_amount_cents,"
                    " old_business, new_business, note, at FROM business_events"
                    " WHERE member_id = ? ORDER BY at",
                    (member_id,),
                )
            ),
            "closed_business_you_reported": _rows(
                await self._all(
                    "SELECT referral_id, amount_cents, currency, business, note, at"
                    " FROM closed_business"
                    " WHERE receiver_id = ? ORDER BY at",
                    (member_id,),
                )
            ),
            "thanks_given": _rows(
                await self._all(
                    "SELECT to_id, referral_id, note, at FROM thanks WHERE from_id = ?",
                    (member_id,),
                )
            ),
            "thanks_received": _rows(
                await self._all(
                    "SELECT from_id, referral_id, note, at FROM thanks WHERE to_id = ?",
                    (member_id,),
                )
            ),
            "one_to_ones": _rows(
                await self._all(
                    # a note is its writer's own: the other member was never shown it
                    "SELECT member_a, member_b, logged_by, confirmed,"
                    " CASE WHEN logged_by = ? THEN note END AS note, met_at FROM one_to_ones"
                    " WHERE member_a = ? OR member_b = ? ORDER BY met_at",
                    (member_id, member_id, member_id),
                )
            ),
            "attendance": _rows(
                await self._all(
                    "SELECT day, rsvp, status, sub_name, sub_email FROM attendance"
                    " WHERE member_id = ? ORDER BY day",
                    (member_id,),
                )
            ),
            "roles": _rows(
                await self._all(
                    "SELECT role, since FROM member_roles WHERE member_id = ? ORDER BY since, role",
                    (member_id,),
                )
            ),
            "visitors_invited": _rows(
                await self._all(
                    "SELECT name, status, at FROM visitors WHERE invited_by = ? ORDER BY at",
                    (member_id,),
                )
            ),
            "presenter_slots": _rows(
                await self._all(
                    "SELECT slot, day, topic FROM meeting_slots WHERE member_id = ? ORDER BY day",
                    (member_id,),
                )
            ),
            "renewal_and_leave": _rows(
                await self._all(
                    "SELECT renewal, leave_from, leave_until FROM member_terms"
                    " WHERE member_id = ?",
                    (member_id,),
                )
            ),
            "card": _rows(
                await self._all(
                    "SELECT phone, website, share_email FROM member_cards WHERE member_id = ?",
                    (member_id,),
                )
            ),
            "keep_in_touch": _rows(
                await self._all(
                    "SELECT name, every_weeks, last_at, created_at FROM keep_in_touch"
                    " WHERE member_id = ? ORDER BY id",
                    (member_id,),
                )
            ),
        }

    async def forget_member(self, member_id: int, now: int) -> None:
        """Erase a member's personal data. Their rows stay, as an anonymous "former member",
        so the group's counts and totals do not change. Other members' work stays theirs:
        a prospect the member gave that its receiver is still working on stays with the
        receiver, whole; one passed to the member stays in its giver's record (by name and
        need; an open one, closed as such before this, whole); the prospects of the rest the
        member gave are erased; and only the member's own notes go."""
        m = await self._one("SELECT user_id, display_name FROM members WHERE id = ?", (member_id,))
        assert m is not None
        user_id, name = m["user_id"], m["display_name"]
        await self._db.execute(
            "UPDATE members SET user_id = 'forgotten-' || id, display_name = ?,"
            " classification = NULL, seat_key = NULL, ask = NULL, email = NULL, tz = NULL,"
            " quiet_hours = NULL, dm_enabled = 0, active = 0, is_admin = 0,"
            " dm_unreachable_at = NULL, forgotten_at = ? WHERE id = ?",
            (FORGOTTEN_NAME, now, member_id),
        )
        await self._db.execute(
            "UPDATE referrals SET prospect = 'erased', email = NULL, phone = NULL, need = NULL"
            " WHERE giver_id = :m AND (status IN ('won', 'lost') OR ended IS NOT NULL)",
            {"m": member_id},
        )
        # what others passed them is the givers' record of whom they referred: the name and
        # need stay with each giver; the contact details, which nobody works any more, go
        await self._db.execute(
            "UPDATE referrals SET email = NULL, phone = NULL"
            " WHERE receiver_id = :m AND COALESCE(ended, '') <> 'receiver_forgotten'",
            {"m": member_id},
        )
        await self._db.execute(
            "UPDATE business_events SET note = NULL WHERE member_id = :m", {"m": member_id}
        )
        # a substitute they named is a third party; their roles end with them
        await self._db.execute(
            "UPDATE attendance SET sub_name = NULL, sub_email = NULL WHERE member_id = :m",
            {"m": member_id},
        )
        await self._db.execute("DELETE FROM member_roles WHERE member_id = :m", {"m": member_id})
        await self._db.execute(
            "UPDATE referral_events SET note = NULL WHERE member_id = :m", {"m": member_id}
        )
        for sql in (
            "UPDATE thanks SET note = NULL WHERE from_id = :m OR to_id = :m",
            "UPDATE closed_business SET note = NULL WHERE giver_id = :m OR receiver_id = :m",
            "UPDATE one_to_ones SET note = NULL WHERE member_a = :m OR member_b = :m",
            # their presentation topics, renewal date and leave are theirs
            "UPDATE meeting_slots SET topic = NULL, swap_to = NULL WHERE member_id = :m",
            "DELETE FROM member_terms WHERE member_id = :m",
            # their own nudges, and reminders to thank them; the receivers of what they gave
            # are still reminded to follow up
            "UPDATE due_work SET state = 'cancelled', done_at = :now WHERE state = 'pending'"
            " AND kind IN ('nudge.follow_up', 'nudge.not_contacted', 'nudge.progress',"
            " 'nudge.thank') AND (target_id IN (SELECT id FROM referrals WHERE receiver_id = :m)"
            " OR (kind = 'nudge.thank'"
            "  AND target_id IN (SELECT id FROM referrals WHERE giver_id = :m)))",
            # their card, and whom they keep in touch with (and its reminders)
            "DELETE FROM member_cards WHERE member_id = :m",
            "UPDATE due_work SET state = 'cancelled', done_at = :now WHERE state = 'pending'"
            " AND kind = 'keep_in_touch'"
            " AND target_id IN (SELECT id FROM keep_in_touch WHERE member_id = :m)",
            "DELETE FROM keep_in_touch WHERE member_id = :m",
        ):
            await self._db.execute(sql, {"m": member_id, "now": now})
        # messages already sent or waiting name them: they go too
        for pattern in (f'%"{user_id}"%', f'%"{name}"%'):
            await self._db.execute(
                "DELETE FROM outbox WHERE target LIKE ? OR payload LIKE ?", (pattern, pattern)
            )
            await self._db.execute("DELETE FROM requests WHERE reply LIKE ?", (pattern,))

    async def erase_closed_contacts(self, before: int, group_id: int | None = None) -> int:
        """Prospects' email and phone on referrals closed (won or lost) before `before`, in
        one group's referrals (or every group's)."""
        sql = (
            "UPDATE referrals SET email = NULL, phone = NULL WHERE status IN ('won', 'lost')"
            " AND (email IS NOT NULL OR phone IS NOT NULL) AND updated_at < ?"
        )
        if group_id is None:
            cur = await self._db.execute(sql, (before,))
        else:
            cur = await self._db.execute(sql + " AND group_id = ?", (before, group_id))
        return int(cur.rowcount)
