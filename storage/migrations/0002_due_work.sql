-- Scheduled work: meeting reminders, recaps and nudges as rows with a UTC due time,
-- claimed atomically so a restart catches up once and two processes never both run one.

CREATE TABLE due_work (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES groups(id),
    kind       TEXT NOT NULL,
    target_id  INTEGER NOT NULL DEFAULT 0,  -- a referral's or member's id; 0 for the group
    occurrence TEXT NOT NULL,               -- the meeting date, or the nudge's number
    due_at     INTEGER NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'running', 'done', 'cancelled', 'dropped')),
    claimed_at INTEGER,
    done_at    INTEGER,
    note       TEXT,
    UNIQUE (kind, group_id, target_id, occurrence)
);
CREATE INDEX due_work_due ON due_work (state, due_at);
CREATE INDEX due_work_target ON due_work (target_id, state);

-- the admin's overrides of the config's defaults, per group
CREATE TABLE group_settings (
    group_id INTEGER NOT NULL REFERENCES groups(id),
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (group_id, key)
);

-- classifications the group wants to fill ("open seats" in reminders)
CREATE TABLE wanted_seats (
    group_id       INTEGER NOT NULL REFERENCES groups(id),
    seat_key       TEXT NOT NULL,
    classification TEXT NOT NULL,
    PRIMARY KEY (group_id, seat_key)
);

