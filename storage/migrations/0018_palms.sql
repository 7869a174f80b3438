-- PALMS attendance: a member's record may be medical (an excused absence); a substitute's name
-- (and email, for the member, the visitor host and the admins only) is kept with the record;
-- the absence rule's notices are remembered, so one absence is never announced twice.

ALTER TABLE attendance RENAME TO attendance_before_0018;
CREATE TABLE attendance (
    group_id  INTEGER NOT NULL REFERENCES groups(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    day       TEXT NOT NULL,  -- the meeting's local date
    rsvp      TEXT CHECK (rsvp IN ('attending', 'substitute', 'absent')),
    status    TEXT CHECK (status IN ('present', 'absent', 'late', 'medical', 'substitute')),
    sub_name  TEXT,
    sub_email TEXT,
    PRIMARY KEY (member_id, day)
);
INSERT INTO attendance (group_id, member_id, day, rsvp, status)
    SELECT group_id, member_id, day, rsvp, status FROM attendance_before_0018;
DROP TABLE attendance_before_0018;
CREATE INDEX attendance_group_day ON attendance (group_id, day);

CREATE TABLE absence_notices (
    group_id  INTEGER NOT NULL REFERENCES groups(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    day       TEXT NOT NULL,  -- the absence that set it off
    kind      TEXT NOT NULL CHECK (kind IN ('warning', 'limit')),
    at        INTEGER NOT NULL,
    PRIMARY KEY (member_id, day, kind)
);
