"""The numbers on SQLite: counts for stats, recaps, reminders and the monthly chart. Reads only."""

from __future__ import annotations

from bot.model import Stats
from storage.sqlite.base import Store


class SqliteNumbers(Store):
    async def stats(self, group_id: int, member_id: int | None, since: int, until: int) -> Stats:
        """Counts for [since, until): one member's, or the whole group's when member_id is None."""
        r = await self._one(
            "SELECT"
            " COUNT(*) FILTER (WHERE kind = 'referral' AND (CAST(:m AS BIGINT) IS NULL OR giver_id = :m)) AS rg,"
            " COUNT(*) FILTER (WHERE kind = 'referral' AND (CAST(:m AS BIGINT) IS NULL OR receiver_id = :m)) AS rr,"
            " COUNT(*) FILTER (WHERE kind = 'lead' AND (CAST(:m AS BIGINT) IS NULL OR giver_id = :m)) AS lg,"
            " COUNT(*) FILTER (WHERE kind = 'lead' AND (CAST(:m AS BIGINT) IS NULL OR receiver_id = :m)) AS lr"
            " FROM referrals WHERE group_id = :g AND created_at >= :s AND created_at < :u"
            " AND (CAST(:m AS BIGINT) IS NULL OR giver_id = :m OR receiver_id = :m) AND COALESCE(ended, '') <> 'withdrawn'",
            {"g": group_id, "m": member_id, "s": since, "u": until},
        )
        cb = await self._one(
            "SELECT COALESCE(SUM(amount_cents), 0) AS total,"
            " COALESCE(SUM(amount_cents) FILTER (WHERE business = 'repeat'), 0) AS repeat"
            " FROM closed_business"
            " WHERE group_id = :g AND at >= :s AND at < :u AND (CAST(:m AS BIGINT) IS NULL OR receiver_id = :m)",
            {"g": group_id, "m": member_id, "s": since, "u": until},
        )
        oo = await self._one(
            "SELECT COUNT(*) AS n FROM one_to_ones WHERE group_id = :g AND met_at >= :s"
            " AND met_at < :u AND (CAST(:m AS BIGINT) IS NULL OR member_a = :m OR member_b = :m)",
            {"g": group_id, "m": member_id, "s": since, "u": until},
        )
        assert r and cb and oo
        return Stats(
            referrals_given=r["rg"],
            referrals_received=r["rr"],
            leads_given=r["lg"],
            leads_received=r["lr"],
            closed_business_cents=cb["total"],
            repeat_business_cents=cb["repeat"],
            one_to_ones=oo["n"],
        )

    async def givers_since(self, group_id: int, since: int) -> set[int]:
        """The members of a group who gave a referral or lead at or after `since`."""
        rows = await self._all(
            "SELECT DISTINCT giver_id FROM referrals WHERE group_id = ? AND created_at >= ?",
            (group_id, since),
        )
        return {r[0] for r in rows}

    async def givers_between(
        self, group_id: int, since: int, until: int
    ) -> list[tuple[int, int, int]]:
        """(member id, referrals given, leads given) for members who gave, most first."""
        rows = await self._all(
            "SELECT giver_id, COUNT(*) FILTER (WHERE kind = 'referral') AS r,"
            " COUNT(*) FILTER (WHERE kind = 'lead') AS l"
            " FROM referrals WHERE group_id = ? AND created_at >= ? AND created_at < ?"
            " AND COALESCE(ended, '') <> 'withdrawn' GROUP BY giver_id ORDER BY COUNT(*) DESC, giver_id",
            (group_id, since, until),
        )
        return [(r["giver_id"], r["r"], r["l"]) for r in rows]

    async def activity(
        self, windows: list[tuple[int, int]], until: int
    ) -> dict[int, dict[str, int]]:
        """What each member did from their own `since` until `until`: given referrals and
        leads, 1-2-1s, closed business reported (as receiver), visitors invited. Counts only,
        never amounts; one query for the whole roster, not four per member."""
        if not windows:
            return {}
        values = ", ".join(
            f"(CAST(:m{i} AS BIGINT), CAST(:s{i} AS BIGINT))" for i in range(len(windows))
        )
        args: dict[str, int] = {"u": until}
        for i, (member_id, since) in enumerate(windows):
            args.update({f"m{i}": member_id, f"s{i}": since})
        rows = await self._all(
            f"WITH w (m, s) AS (VALUES {values})"
            " SELECT w.m,"
            " (SELECT COUNT(*) FROM referrals WHERE giver_id = w.m AND created_at >= w.s"
            "   AND created_at < :u AND COALESCE(ended, '') <> 'withdrawn') AS given,"
            " (SELECT COUNT(*) FROM one_to_ones WHERE (member_a = w.m OR member_b = w.m)"
            "   AND met_at >= w.s AND met_at < :u) AS one_to_ones,"
            " (SELECT COUNT(*) FROM closed_business WHERE receiver_id = w.m AND at >= w.s"
            "   AND at < :u) AS business,"
            " (SELECT COUNT(*) FROM visitors WHERE invited_by = w.m AND at >= w.s"
            "   AND at < :u) AS visitors"
            " FROM w",
            args,
        )
        keys = ("given", "one_to_ones", "business", "visitors")
        return {r["m"]: {k: r[k] for k in keys} for r in rows}

    async def weekly(
        self, group_id: int, starts: list[int], ends: list[int] | None = None
    ) -> list[tuple[int, int, int]]:
        """(referrals, leads, closed business cents) for each week from `starts` to `ends`
        (the group's local weeks: a week across a clock change is not 7 × 86400 s long);
        without `ends`, 7 days from each start. One query for every week (a round trip per
        week and figure was 48 queries for a monthly recap, each a network hop on a server)."""
        if not starts:
            return []
        ends = ends if ends is not None else [s + 7 * 86400 for s in starts]
        weeks = ", ".join(
            f"(CAST(:i{i} AS BIGINT), CAST(:s{i} AS BIGINT), CAST(:u{i} AS BIGINT))"
            for i in range(len(starts))
        )
        args: dict[str, int] = {"g": group_id}
        for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
            args.update({f"i{i}": i, f"s{i}": start, f"u{i}": end})
        rows = await self._all(
            f"WITH weeks (i, s, u) AS (VALUES {weeks})"
            " SELECT w.i,"
            " (SELECT COUNT(*) FROM referrals r WHERE r.group_id = :g AND r.kind = 'referral'"
            "   AND r.created_at >= w.s AND r.created_at < w.u"
            "   AND COALESCE(r.ended, '') <> 'withdrawn') AS referrals,"
            " (SELECT COUNT(*) FROM referrals r WHERE r.group_id = :g AND r.kind = 'lead'"
            "   AND r.created_at >= w.s AND r.created_at < w.u"
            "   AND COALESCE(r.ended, '') <> 'withdrawn') AS leads,"
            " (SELECT COALESCE(SUM(c.amount_cents), 0) FROM closed_business c"
            "   WHERE c.group_id = :g AND c.at >= w.s AND c.at < w.u) AS cents"
            " FROM weeks w ORDER BY w.i",
            args,
        )
        return [(r["referrals"], r["leads"], r["cents"]) for r in rows]
