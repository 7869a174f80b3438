-- The people outside the group a member keeps in touch with (seed 000, staying top of
-- mind): private to the member; at most ten each (the core's rule). The reminder is due
-- every_weeks after last_at (added, or last marked done); it is planned as due work.
CREATE TABLE keep_in_touch (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    name        TEXT NOT NULL,
    every_weeks INTEGER NOT NULL CHECK (every_weeks BETWEEN 1 AND 52),
    last_at     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX keep_in_touch_member ON keep_in_touch (member_id);
