"""Numbered migrations for both databases: which scripts there are, and one runner.

Each backend ships the same numbers (storage/migrations/NNNN_*.sql for SQLite,
storage/migrations/postgresql/NNNN_*.sql for PostgreSQL); a database records the last one it
applied, is upgraded in place from any older version, and a database newer than the code
is refused before anything is written to it.
"""

from __future__ import annotations

import logging
from importlib import resources
from typing import Protocol

log = logging.getLogger(__name__)


class SchemaTooNew(Exception):
    """The database was written by a newer Rapport: this code does not know its schema."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"the database is at schema version {found}, newer than this Rapport knows ({known}):"
            " run the newer Rapport, or restore a backup taken before the upgrade"
        )
        self.found = found
        self.known = known


def scripts(dialect: str) -> list[tuple[int, str]]:
    """The numbered scripts for `dialect` ("sqlite" or "postgresql"), in order."""
    folder = resources.files("storage") / "migrations"
    if dialect == "postgresql":
        folder = folder / "postgresql"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest(dialect: str) -> int:
    return scripts(dialect)[-1][0]


class Versioned(Protocol):
    """What the runner needs from a backend, inside one transaction it holds."""

    async def schema_version(self) -> int: ...
    async def set_schema_version(self, version: int) -> None: ...
    async def run_script(self, script: str) -> None: ...


async def apply(db: Versioned, todo: list[tuple[int, str]]) -> int:
    """Apply every script of `todo` (this code's, in order) newer than the database's
    version; returns the version it is at. Raises SchemaTooNew, having changed nothing, for
    a database newer than the code."""
    found = await db.schema_version()
    known = todo[-1][0]
    if found > known:
        raise SchemaTooNew(found, known)
    version = found
    for number, script in todo:
        if number > version:
            await db.run_script(script)
            await db.set_schema_version(number)
            log.info("applied migration %04d", number)
            version = number
    return version
