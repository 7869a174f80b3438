-- PALMS attendance: a member's record may be medical (an excused absence); a substitute's name
-- (and email, for the member, the visitor host and the admins only) is kept with the record;
-- the absence rule's notices are remembered, so one absence is never announced twice.

ALTER TABLE attendance DROP CONSTRAINT attendance_status_check;
ALTER TABLE attendance ADD CONSTRAINT attendance_status_check
    CHECK (status IN ('present', 'absent', 'late', 'medical', 'substitute'));
ALTER TABLE attendance ADD COLUMN sub_name TEXT;
ALTER TABLE attendance ADD COLUMN sub_email TEXT;

CREATE TABLE absence_notices (
    group_id  BIGINT NOT NULL REFERENCES groups(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    day       TEXT NOT NULL,  -- the absence that set it off
    kind      TEXT NOT NULL CHECK (kind IN ('warning', 'limit')),
    at        BIGINT NOT NULL,
    PRIMARY KEY (member_id, day, kind)
);
