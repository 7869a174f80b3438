-- A message the platform takes as several (a big chapter's recap, a long list) records how
-- many of them it took, written as each is taken under the row's claim, so a retry, or the
-- next process after a crash, sends only the rest instead of posting the first parts again.
-- Rows queued before this column existed start from their first part, as they did.
ALTER TABLE outbox ADD COLUMN parts_sent BIGINT NOT NULL DEFAULT 0;
