-- What Rapport last uploaded to Discord as its command definitions, per application and scope
-- (a guild, or global): kept in the database, so every process that shares it (a restart, a
-- shard's process, another worker on PostgreSQL) knows the commands are already there and
-- does not spend Discord's 200 command creations a day on them again. It replaces the
-- `<database>.discord-commands.hash` file beside a SQLite database.
CREATE TABLE discord_command_sync (
    scope      TEXT PRIMARY KEY,   -- '<application id>:<guild id>' or '<application id>:global'
    digest     TEXT,               -- the definitions' hash last uploaded there; NULL: none yet
    claimed    TEXT,               -- the hash a process is uploading now (NULL: none is)
    claimed_at INTEGER             -- when it started: a claim older than five minutes died
);
