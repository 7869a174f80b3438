-- Seats and meetings held.
-- A join refused because its classification is the same trade as a seated member's waits
-- here until an admin allows it (one request per person and group; the person need not be
-- a member yet, so the request names them as the platform does).
CREATE TABLE seat_requests (
    id             INTEGER PRIMARY KEY,
    group_id       INTEGER NOT NULL REFERENCES groups(id),
    platform       TEXT NOT NULL,
    workspace      TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    classification TEXT NOT NULL,
    holder_id      INTEGER REFERENCES members(id),
    at             INTEGER NOT NULL,
    UNIQUE (group_id, user_id)
);
-- When the weekly meeting was first set: traffic lights count the meetings held since, not
-- the weeks before there was a meeting. Groups that already have a meeting count from their
-- creation, as before.
ALTER TABLE groups ADD COLUMN meeting_since INTEGER;
UPDATE groups SET meeting_since = created_at WHERE meeting_weekday IS NOT NULL;
