"""Where SQLite's and PostgreSQL's SQL differ, the few fragments each writes its own way.

Every business query is written once; it asks its repository's `dialect` for these.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str
    # a claim's rows, taken so that another worker's claim skips them instead of waiting
    skip_locked: str
    # SQLite's planner needs some indexes named; PostgreSQL's chooses by its statistics
    indexed: bool
    # a lock on a name (one parameter) held until the transaction ends; None where one
    # writer at a time needs none (SQLite)
    lock_key: str | None = None

    def indexed_by(self, index: str) -> str:
        return f" INDEXED BY {index}" if self.indexed else ""

    def unindexed(self, column: str) -> str:
        """The column, kept from choosing an index on SQLite (a unary `+`, which PostgreSQL
        has no operator for on text)."""
        return f"+{column}" if self.indexed else column


    # UTC seconds since the epoch as text (a members' data export)
    def utc_text(self, seconds: str) -> str:
        """'YYYY-MM-DD HH:MM:SS' in UTC."""
        if self.name == "sqlite":
            return f"datetime({seconds}, 'unixepoch')"
        return f"to_char(to_timestamp(CAST({seconds} AS BIGINT)) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"

    def utc_date(self, seconds: str) -> str:
        """'YYYY-MM-DD' in UTC."""
        if self.name == "sqlite":
            return f"date({seconds}, 'unixepoch')"
        return f"to_char(to_timestamp(CAST({seconds} AS BIGINT)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"

    def utc_month(self, seconds: str) -> str:
        """'YYYY-MM' in UTC."""
        if self.name == "sqlite":
            return f"strftime('%Y-%m', {seconds}, 'unixepoch')"
        return f"to_char(to_timestamp(CAST({seconds} AS BIGINT)) AT TIME ZONE 'UTC', 'YYYY-MM')"

    def cents_text(self, cents: str) -> str:
        """An amount in minor units as text with two decimals: 1250 → '12.50'."""
        if self.name == "sqlite":
            return f"printf('%.2f', {cents} / 100.0)"
        return f"to_char({cents} / 100.0, 'FM999999999999999990.00')"

    def distinct(self, left: str, right: str) -> str:
        """`left` and `right` differ, NULL being a value like any other."""
        if self.name == "sqlite":
            return f"{left} IS NOT {right}"
        return f"{left} IS DISTINCT FROM {right}"

    def json_text(self, column: str, key: str, index: int) -> str:
        """Element `index` of the array under `key` of the JSON text in `column`, as text
        (NULL when there is none)."""
        if self.name == "sqlite":
            return f"json_extract({column}, '$.{key}[{index}]')"
        return f"({column}::json -> '{key}' ->> {index})"

    def claim(self, table: str, sets: str, fresh: str, stale: str, order: str, returning: str) -> str:
        """Claim up to :limit rows of `table` in (`order`, id) order: those `fresh` (due now)
        and those `stale` (claimed by a worker that died), each read as `d`, merged so the
        LIMIT stops the reading (one OR'd WHERE made SQLite sort every due row).

        SQLite has one writer at a time, so the rows it reads are the rows it changes. On
        PostgreSQL each read takes its rows FOR UPDATE SKIP LOCKED (which a UNION cannot),
        so a second worker claiming at the same moment takes other rows, without waiting."""
        if not self.skip_locked:
            return (
                f"UPDATE {table} SET {sets} WHERE id IN (SELECT id FROM ("
                f"  SELECT id, {order} FROM {table} AS d WHERE {fresh}"
                "  UNION ALL"
                f"  SELECT id, {order} FROM {table} AS d WHERE {stale}"
                f"  ORDER BY {order}, id LIMIT :limit)) RETURNING {returning}"
            )
        return (
            f"WITH fresh AS (SELECT id, {order} FROM {table} AS d WHERE {fresh}"
            f"  ORDER BY {order}, id LIMIT :limit{self.skip_locked}),"
            f" stale AS (SELECT id, {order} FROM {table} AS d WHERE {stale}"
            f"  ORDER BY {order}, id LIMIT :limit{self.skip_locked})"
            f" UPDATE {table} SET {sets} WHERE id IN (SELECT id FROM ("
            "  SELECT * FROM fresh UNION ALL SELECT * FROM stale) AS c"
            f"  ORDER BY {order}, id LIMIT :limit) RETURNING {returning}"
        )


SQLITE = Dialect(name="sqlite", skip_locked="", indexed=True)
POSTGRESQL = Dialect(
    name="postgresql",
    skip_locked=" FOR UPDATE SKIP LOCKED",
    indexed=False,
    lock_key="SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
)
