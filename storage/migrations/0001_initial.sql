-- Rapport's first schema: groups, members, referrals and leads, closed business, thanks,
-- 1-2-1s, meeting skips, the outbox and processed platform requests.
-- Times are UTC seconds since the epoch; amounts are integers in minor units (cents).

CREATE TABLE groups (
    id              INTEGER PRIMARY KEY,
    platform        TEXT NOT NULL,
    workspace       TEXT NOT NULL,
    channel_id      TEXT NOT NULL,
    channel_name    TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL,
    tz              TEXT NOT NULL,
    currency        TEXT NOT NULL,
    meeting_weekday INTEGER CHECK (meeting_weekday BETWEEN 0 AND 6),
    meeting_time    TEXT,
    meeting_where   TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (platform, workspace, channel_id)
);

CREATE TABLE members (
    id             INTEGER PRIMARY KEY,
    group_id       INTEGER NOT NULL REFERENCES groups(id),
    platform       TEXT NOT NULL,
    workspace      TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    classification TEXT,
    seat_key       TEXT,
    ask            TEXT,
    email          TEXT,
    tz             TEXT,
    quiet_hours    TEXT,
    dm_enabled     INTEGER NOT NULL DEFAULT 1,
    is_admin       INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1,
    joined_at      INTEGER NOT NULL,
    UNIQUE (group_id, user_id)
);
-- one seat per classification among active members
CREATE UNIQUE INDEX members_seat ON members (group_id, seat_key)
    WHERE seat_key IS NOT NULL AND active = 1;
CREATE INDEX members_user ON members (platform, workspace, user_id);

CREATE TABLE referrals (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES groups(id),
    giver_id     INTEGER NOT NULL REFERENCES members(id),
    receiver_id  INTEGER NOT NULL REFERENCES members(id),
    kind         TEXT NOT NULL CHECK (kind IN ('referral', 'lead')),
    prospect     TEXT NOT NULL,
    email        TEXT,
    phone        TEXT,
    need         TEXT,
    heat         INTEGER NOT NULL CHECK (heat BETWEEN 1 AND 5),
    inside       INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'contacted', 'meeting', 'won', 'lost')),
    amount_cents INTEGER CHECK (amount_cents > 0),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    thanked_at   INTEGER,
    request_key  TEXT UNIQUE,
    CHECK (giver_id <> receiver_id),
    CHECK (kind = 'referral' OR (email IS NULL AND phone IS NULL))
);
CREATE INDEX referrals_group_time ON referrals (group_id, created_at);
CREATE INDEX referrals_giver ON referrals (giver_id, created_at);
CREATE INDEX referrals_receiver ON referrals (receiver_id, created_at);

CREATE TABLE referral_events (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals(id),
    member_id   INTEGER NOT NULL REFERENCES members(id),
    status      TEXT NOT NULL,
    note        TEXT,
    at          INTEGER NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, at);

CREATE TABLE closed_business (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES groups(id),
    referral_id  INTEGER REFERENCES referrals(id),
    giver_id     INTEGER REFERENCES members(id),
    receiver_id  INTEGER NOT NULL REFERENCES members(id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    currency     TEXT NOT NULL,
    note         TEXT,
    at           INTEGER NOT NULL
);
CREATE INDEX closed_business_group_time ON closed_business (group_id, at);
CREATE INDEX closed_business_receiver ON closed_business (receiver_id, at);

CREATE TABLE thanks (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES groups(id),
    from_id     INTEGER NOT NULL REFERENCES members(id),
    to_id       INTEGER NOT NULL REFERENCES members(id),
    referral_id INTEGER REFERENCES referrals(id),
    note        TEXT,
    at          INTEGER NOT NULL
);
CREATE INDEX thanks_group_time ON thanks (group_id, at);
CREATE INDEX thanks_from ON thanks (from_id, at);

-- one row per meeting; member_a < member_b; the second member's log confirms it
CREATE TABLE one_to_ones (
    id        INTEGER PRIMARY KEY,
    group_id  INTEGER NOT NULL REFERENCES groups(id),
    member_a  INTEGER NOT NULL REFERENCES members(id),
    member_b  INTEGER NOT NULL REFERENCES members(id),
    logged_by INTEGER NOT NULL REFERENCES members(id),
    confirmed INTEGER NOT NULL DEFAULT 0,
    note      TEXT,
    met_at    INTEGER NOT NULL,
    CHECK (member_a < member_b)
);
CREATE INDEX one_to_ones_pair ON one_to_ones (member_a, member_b, met_at);
CREATE INDEX one_to_ones_b ON one_to_ones (member_b, met_at);
CREATE INDEX one_to_ones_group_time ON one_to_ones (group_id, met_at);

CREATE TABLE meeting_skips (
    group_id INTEGER NOT NULL REFERENCES groups(id),
    day      TEXT NOT NULL,
    PRIMARY KEY (group_id, day)
);

-- every message to someone other than the person who typed the command
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    group_id        INTEGER REFERENCES groups(id),
    target          TEXT NOT NULL,      -- JSON: {"dm": [...]} or {"post": [...]}
    payload         TEXT NOT NULL,      -- OutMessage JSON
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_at      INTEGER,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- platform requests already handled (retries and double clicks answer from here)
CREATE TABLE requests (
    key   TEXT PRIMARY KEY,
    reply TEXT NOT NULL,
    at    INTEGER NOT NULL
);
