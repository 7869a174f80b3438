-- Closed business corrected or taken out (the review of issue 11): what it was, what it
-- became (NULL: taken out of every count), new or repeat before and after, who changed it
-- and why. One history for business recorded with a referral and for business a /thanks
-- recorded without one; `business_id` outlives its closed_business row, which taking the
-- business out deletes.
CREATE TABLE business_events (
    id               INTEGER PRIMARY KEY,
    group_id         INTEGER NOT NULL REFERENCES groups(id),
    business_id      INTEGER NOT NULL,
    referral_id      INTEGER REFERENCES referrals(id),
    member_id        INTEGER NOT NULL REFERENCES members(id),
    note             TEXT,
    at               INTEGER NOT NULL,
    old_amount_cents INTEGER NOT NULL,
    new_amount_cents INTEGER,
    old_business     TEXT NOT NULL CHECK (old_business IN ('new', 'repeat')),
    new_business     TEXT CHECK (new_business IN ('new', 'repeat'))
);
CREATE INDEX business_events_business ON business_events (business_id, at);

-- From now on a closed_business row exists only while it counts: its referral stands as
-- won and is not withdrawn. Rows stored before, whose referral was withdrawn or moved on
-- from won, leave every count here; the history keeps them.
INSERT INTO business_events (group_id, business_id, referral_id, member_id, note, at,
                             old_amount_cents, new_amount_cents, old_business, new_business)
SELECT c.group_id, c.id, c.referral_id, c.receiver_id,
       CASE WHEN r.ended = 'withdrawn' THEN 'its referral was withdrawn'
            ELSE 'its referral is no longer won' END,
       COALESCE(r.ended_at, r.updated_at), c.amount_cents, NULL, c.business, NULL
  FROM closed_business c JOIN referrals r ON r.id = c.referral_id
 WHERE r.ended = 'withdrawn' OR r.status <> 'won';
DELETE FROM closed_business
 WHERE id IN (SELECT business_id FROM business_events WHERE new_amount_cents IS NULL);
UPDATE referrals SET amount_cents = NULL
 WHERE amount_cents IS NOT NULL AND (ended = 'withdrawn' OR status <> 'won');
