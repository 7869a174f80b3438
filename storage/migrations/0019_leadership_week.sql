-- Issue 18, the leadership team's week: the feature presenter and education slots of each
-- meeting, the visitor pipeline, members' renewal dates and leaves of absence.

-- who presents (or gives the education slot) on a meeting's local date, and a swap offered
CREATE TABLE meeting_slots (
    id        INTEGER PRIMARY KEY,
    group_id  INTEGER NOT NULL REFERENCES groups(id),
    slot      TEXT NOT NULL CHECK (slot IN ('presenter', 'educator')),
    day       TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members(id),
    topic     TEXT,
    swap_to   INTEGER REFERENCES members(id),
    UNIQUE (group_id, slot, day)
);
CREATE INDEX meeting_slots_member ON meeting_slots (member_id, day);

-- the pipeline: invited → confirmed → attended → applied → joined | declined. Visitors
-- recorded before it had come to a meeting (the recap welcomed them): attended.
ALTER TABLE visitors ADD COLUMN status TEXT NOT NULL DEFAULT 'attended';
ALTER TABLE visitors ADD COLUMN status_at INTEGER;
ALTER TABLE visitors ADD COLUMN attended_at INTEGER;
ALTER TABLE visitors ADD COLUMN email TEXT;
ALTER TABLE visitors ADD COLUMN phone TEXT;
ALTER TABLE visitors ADD COLUMN classification TEXT;
ALTER TABLE visitors ADD COLUMN note TEXT;
ALTER TABLE visitors ADD COLUMN member_id INTEGER REFERENCES members(id);
UPDATE visitors SET status_at = at, attended_at = at;
CREATE INDEX visitors_attended ON visitors (group_id, attended_at);

-- a member's renewal date and leave of absence (local dates, inclusive)
CREATE TABLE member_terms (
    member_id   INTEGER PRIMARY KEY REFERENCES members(id),
    group_id    INTEGER NOT NULL REFERENCES groups(id),
    renewal     TEXT,
    leave_from  TEXT,
    leave_until TEXT
);
CREATE INDEX member_terms_group ON member_terms (group_id);
