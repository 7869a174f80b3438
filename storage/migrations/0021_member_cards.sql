-- A member's card (/rapport card): the business contact details they chose to share. Kept
-- beside the member, not on it: nothing here is shown until the member adds it, and
-- forgetting a member deletes their row.
CREATE TABLE member_cards (
    member_id   INTEGER PRIMARY KEY REFERENCES members(id),
    phone       TEXT,     -- E.164
    website     TEXT,     -- an http(s) URL
    share_email INTEGER NOT NULL DEFAULT 0  -- the profile email on the card too
);
