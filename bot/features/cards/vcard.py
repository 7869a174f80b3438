"""Members' cards as vCard 4.0 (RFC 6350), written with `vobject`.

vobject builds and serialises the properties (escaping, line folding, CRLF); its vCard
behaviour is 3.0's, but what a card here holds is written the same way in 4.0 (FN, N,
TITLE, NOTE, EMAIL, URL, UID, KIND), and the phone is written as 4.0 wants it, a `tel:` URI
with VALUE=uri. Only what the member chose to share is on it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
import vobject

from bot.features.cards.model import CardDetails
from bot.model import Group, Member

NAMESPACE = uuid.UUID("6f1d3c52-6a53-4d1e-9a8c-52a3c1e4b7d0")  # Rapport's cards


@dataclass(frozen=True)
class Card:
    """One member's card as shown: their seat, their ask and what they share."""

    member: Member
    details: CardDetails

    @property
    def email(self) -> str | None:
        return self.member.email if self.details.share_email else None

    @property
    def phone(self) -> str | None:
        return self.details.phone

    @property
    def website(self) -> str | None:
        return self.details.website


def card_uid(group: Group, member: Member) -> str:
    """Stable per member, so saving a newer card updates the contact instead of adding one."""
    key = f"{group.platform}:{group.workspace}:{group.id}:{member.user.user_id}"
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, key)}"


def shown_phone(e164: str) -> str:
    """+27825550134 → +27 82 555 0134: as people read it on a card."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def _name(full: str) -> vobject.vcard.Name:
    """N's parts from a display name: the last word as the family name, the rest given."""
    words = full.split()
    if len(words) < 2:
        return vobject.vcard.Name(family="", given=full)
    return vobject.vcard.Name(family=words[-1], given=" ".join(words[:-1]))


def vcard(group: Group, card: Card) -> str:
    """One card as vCard 4.0 text (CRLF lines)."""
    m = card.member
    v = vobject.vCard()
    v.add("version").value = "4.0"
    v.add("kind").value = "individual"
    v.add("uid").value = card_uid(group, m)
    v.add("fn").value = m.name
    v.add("n").value = _name(m.name)
    if m.classification:
        v.add("title").value = m.classification
    note = [f"Member of {group.name}."]
    if m.ask:
        note.append(f"Looking for: {m.ask}")
    v.add("note").value = "\n".join(note)
    if card.phone:
        tel = v.add("tel")
        tel.value = f"tel:{card.phone}"
        tel.params["VALUE"] = ["uri"]
        tel.params["TYPE"] = ["work", "voice"]
    if card.email:
        email = v.add("email")
        email.value = card.email
        email.params["TYPE"] = ["work"]
    if card.website:
        # a URI is written as it is in 4.0: a comma or semicolon goes percent-encoded
        v.add("url").value = card.website.replace(",", "%2C").replace(";", "%3B")
    return str(v.serialize())


def vcards(group: Group, cards: Iterable[Card]) -> bytes:
    """Several cards in one .vcf file, as phones and address books import them."""
    return "".join(vcard(group, c) for c in cards).encode("utf-8")
