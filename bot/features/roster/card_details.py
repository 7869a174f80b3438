"""The profile's card lines: the phone, website and email a member shares on their card
(the card case itself is bot/features/cards)."""

from __future__ import annotations

import phonenumbers

from bot import contacts
from bot.features.cards import messages as wording
from bot.features.referrals.handlers import region
from bot.features.roster.commands import SetCardPhone, SetCardWebsite, ShareCardEmail
from bot.out import OutMessage
from bot.work import Refusal, Work


async def set_phone(w: Work, cmd: SetCardPhone) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    e164 = None
    if cmd.phone is not None:
        try:
            contacts.phone(cmd.phone, region(group))
            number = phonenumbers.parse(cmd.phone, region(group))
        except (contacts.ContactProblem, phonenumbers.NumberParseException) as e:
            needs = isinstance(e, contacts.ContactProblem) and e.reason == "phone_needs_country"
            raise Refusal(wording.bad_phone(cmd.phone, needs)) from None
        e164 = str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    await w.tx.cards.set_phone(me.id, e164)
    return [wording.phone_saved(e164)]


async def set_website(w: Work, cmd: SetCardWebsite) -> list[OutMessage]:
    me = await w.actor(await w.group())
    await w.tx.cards.set_website(me.id, cmd.website)
    return [wording.website_saved(cmd.website)]


async def share_email(w: Work, cmd: ShareCardEmail) -> list[OutMessage]:
    me = await w.actor(await w.group())
    await w.tx.cards.set_share_email(me.id, cmd.share)
    return [wording.email_shared(cmd.share, me.email)]
