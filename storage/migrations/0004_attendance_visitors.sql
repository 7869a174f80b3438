-- Accountability: meeting attendance (RSVPs and what the admin confirmed) and visitors.

CREATE TABLE attendance (
    group_id  INTEGER NOT NULL REFERENCES groups(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    day       TEXT NOT NULL,  -- the meeting's local date
    rsvp      TEXT CHECK (rsvp IN ('attending', 'substitute', 'absent')),
    status    TEXT CHECK (status IN ('present', 'absent', 'late', 'substitute')),
    PRIMARY KEY (member_id, day)
);
CREATE INDEX attendance_group_day ON attendance (group_id, day);

CREATE TABLE visitors (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES groups(id),
    name       TEXT NOT NULL,
    invited_by INTEGER REFERENCES members(id),
    at         INTEGER NOT NULL
);
CREATE INDEX visitors_group_time ON visitors (group_id, at);
CREATE INDEX visitors_inviter ON visitors (invited_by, at);
