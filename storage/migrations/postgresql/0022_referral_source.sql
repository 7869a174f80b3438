-- PostgreSQL's version of ../0022_referral_source.sql.
-- Where the giver found a referral (seed 002's sources of referrals): client,
-- contact-sphere, power-team, business, social, staff, friend, other; NULL when not said.
ALTER TABLE referrals ADD COLUMN source TEXT;
