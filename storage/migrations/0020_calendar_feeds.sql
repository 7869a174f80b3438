-- A group's private calendar subscription (/rapport meeting feed on): only the SHA-256 of
-- its random token is kept, so the URL cannot be read back out of the database; turning the
-- feed off deletes the row and the old URL answers 404.
CREATE TABLE calendar_feeds (
    group_id   INTEGER PRIMARY KEY REFERENCES groups(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
