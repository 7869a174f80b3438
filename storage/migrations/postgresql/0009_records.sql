-- Records a chapter can trust (issue 11): how a group writes amounts, new or repeat
-- business, corrections kept in a referral's history, referrals taken back, and whether the
-- giver said how hot a referral is.

-- the admin's (or the config's) locale for amounts; NULL: the group's time zone's
ALTER TABLE groups ADD COLUMN locale TEXT;

-- closed business is new (a first sale to this client) or repeat, as on a thank-you slip
ALTER TABLE closed_business ADD COLUMN business TEXT NOT NULL DEFAULT 'new'
    CHECK (business IN ('new', 'repeat'));

-- a referral taken back by its giver or an admin no longer counts anywhere; one whose
-- receiver was forgotten is closed but still counts as given
ALTER TABLE referrals ADD COLUMN ended TEXT CHECK (ended IN ('withdrawn', 'receiver_forgotten'));
ALTER TABLE referrals ADD COLUMN ended_at BIGINT;

-- heat is still stored (it times the follow-ups), but shown only when the giver gave it
ALTER TABLE referrals ADD COLUMN heat_given BIGINT NOT NULL DEFAULT 1;

-- an amount correction keeps the value it replaced, beside the reason in `note`
ALTER TABLE referral_events ADD COLUMN old_amount_cents BIGINT;
ALTER TABLE referral_events ADD COLUMN new_amount_cents BIGINT;
