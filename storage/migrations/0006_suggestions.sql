-- Monthly 1-2-1 suggestions: who was suggested to whom (never the same twice in a row), and
-- each member's opt-out.
ALTER TABLE members ADD COLUMN suggestions INTEGER NOT NULL DEFAULT 1;
CREATE TABLE one_to_one_suggestions (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES groups(id),
    member_id    INTEGER NOT NULL REFERENCES members(id),
    suggested_id INTEGER NOT NULL REFERENCES members(id),
    at           INTEGER NOT NULL
);
CREATE INDEX one_to_one_suggestions_member ON one_to_one_suggestions (member_id, at);
