-- Members' data: forgotten members stay as anonymous rows so the group's totals stay right;
-- prospect contact details are erased a while after a referral is closed.
ALTER TABLE members ADD COLUMN forgotten_at BIGINT;
CREATE INDEX referrals_closed_contacts ON referrals (updated_at)
    WHERE status IN ('won', 'lost') AND (email IS NOT NULL OR phone IS NOT NULL);
