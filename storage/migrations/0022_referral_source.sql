-- Where the giver found a referral (seed 002's sources of referrals): client,
-- contact-sphere, power-team, business, social, staff, friend, other; NULL when not said.
ALTER TABLE referrals ADD COLUMN source TEXT;
