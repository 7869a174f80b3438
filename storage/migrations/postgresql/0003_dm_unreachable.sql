-- A member whose platform refused a DM (closed DMs): told so the next time they use a command.
ALTER TABLE members ADD COLUMN dm_unreachable_at BIGINT;
