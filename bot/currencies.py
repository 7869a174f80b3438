"""A group's currency and locale as handlers see them: chosen at setup from the group's
time zone, changed by the admin, and following the time zone while nothing is recorded.

The rules live here; the data (which currency a zone pays in, how a locale writes numbers)
comes from Babel through bot.money.
"""

from __future__ import annotations

from bot import currency_words, money
from bot.model import Group
from bot.out import OutMessage
from bot.schedule import is_timezone
from bot.work import Refusal, Work

CHOSEN = "currency.chosen"  # group setting: the admin picked the currency; the zone no longer does


def for_new_group(w: Work, tz: str, asked: str | None) -> str:
    """The currency a new group counts in: the one asked for at setup, else the group's time
    zone's, else the zone of the member setting it up (their platform's), else the config's."""
    if asked is not None:
        if not money.is_currency(asked):
            raise Refusal(currency_words.currency_unknown(asked))
        return asked
    own = w.ctx.tz if w.ctx.tz and is_timezone(w.ctx.tz) else None
    return (
        money.zone_currency(tz)
        or (money.zone_currency(own) if own else None)
        or (w.settings.currency)
    )


async def chosen(w: Work, group: Group) -> None:
    await w.tx.groups.set_setting(group.id, CHOSEN, "admin")


async def follow_zone(w: Work, group: Group) -> OutMessage | None:
    """After the group's time zone changed: a currency nobody chose follows the new zone,
    as long as no amount was recorded in the old one."""
    if CHOSEN in await w.tx.groups.settings(group.id):
        return None
    wanted = money.zone_currency(group.tz)
    if wanted is None or wanted == group.currency:
        return None
    if await w.tx.business.count(group.id):
        return None
    await w.tx.groups.set_currency(group.id, wanted)
    moved = await w.tx.groups.get(group.id)
    assert moved is not None
    return currency_words.currency_followed_zone(moved)


async def change_currency(w: Work, group: Group, code: str) -> OutMessage:
    """Amounts are stored as numbers in the group's currency: once any is recorded, a new
    currency would relabel them (and a total would add pounds to yen), so it is refused,
    naming how many there are and what to do."""
    if not money.is_currency(code):
        raise Refusal(currency_words.currency_unknown(code))
    if code != group.currency:
        recorded = await w.tx.business.count(group.id)
        if recorded:
            raise Refusal(currency_words.currency_in_use(group, code, recorded))
    await w.tx.groups.set_currency(group.id, code)
    await chosen(w, group)
    changed = await w.tx.groups.get(group.id)
    assert changed is not None
    return currency_words.currency_saved(changed)


async def change_locale(w: Work, group: Group, name: str | None) -> OutMessage:
    """`name` None: back to the config's locale, or else the time zone's way."""
    if name is None:
        found = w.settings.locale or None
    else:
        found = money.known_locale(name)
        if found is None:
            raise Refusal(currency_words.locale_unknown(name))
    await w.tx.groups.set_locale(group.id, found)
    changed = await w.tx.groups.get(group.id)
    assert changed is not None
    return currency_words.locale_saved(changed)
