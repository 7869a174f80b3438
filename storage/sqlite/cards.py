"""Members' cards: the contact details each chose to share (one row a member, once they did)."""

from __future__ import annotations

from typing import Any

from bot.features.cards.model import CardDetails
from storage.sqlite.base import Store


def _card(row: Any) -> CardDetails:
    return CardDetails(row["phone"], row["website"], bool(row["share_email"]))


class SqliteCards(Store):
    async def get(self, member_id: int) -> CardDetails:
        row = await self._one(
            "SELECT phone, website, share_email FROM member_cards WHERE member_id = ?",
            (member_id,),
        )
        return _card(row) if row else CardDetails()

    async def of_group(self, group_id: int) -> dict[int, CardDetails]:
        rows = await self._all(
            "SELECT c.member_id, c.phone, c.website, c.share_email FROM member_cards c"
            " JOIN members m ON m.id = c.member_id WHERE m.group_id = ? AND m.active = 1",
            (group_id,),
        )
        return {int(r["member_id"]): _card(r) for r in rows}

    async def _set(self, member_id: int, column: str, value: object) -> None:
        await self._db.execute(
            "INSERT INTO member_cards (member_id) VALUES (?) ON CONFLICT (member_id) DO NOTHING",
            (member_id,),
        )
        await self._db.execute(
            f"UPDATE member_cards SET {column} = ? WHERE member_id = ?", (value, member_id)
        )

    async def set_phone(self, member_id: int, phone: str | None) -> None:
        await self._set(member_id, "phone", phone)

    async def set_website(self, member_id: int, website: str | None) -> None:
        await self._set(member_id, "website", website)

    async def set_share_email(self, member_id: int, share: bool) -> None:
        await self._set(member_id, "share_email", int(share))
