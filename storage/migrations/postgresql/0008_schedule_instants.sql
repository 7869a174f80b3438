-- The schedule against a calendar, and a wall clock that jumps (issue 12).
--
-- On SQLite, work still to come was re-keyed from the meeting's local date to its instant
-- by a Python function the repository registers. A PostgreSQL database is created at a
-- schema where every meeting is already keyed by its instant (PostgreSQL support came with
-- schema 12, and `rapport copy-db` copies only a database at the code's version), so there
-- is nothing to re-key here; what follows keeps the two schemas' histories the same.
-- what could not be re-keyed (no meeting any more) could not run either
UPDATE due_work SET state = 'cancelled', note = 'migration 0008: no meeting to key it by'
 WHERE kind IN ('reminder.evening', 'reminder.before', 'recap.weekly', 'nudge.accountability')
   AND state IN ('pending', 'running')
   AND occurrence NOT LIKE '%T%';

-- Every group plans its meeting and monthly work again, once, by today's rules: a weekly
-- chain that stopped after a meeting in a repeated hour, and a monthly one that stopped
-- after the zone moved west, resume at the first tick.
INSERT INTO due_work (group_id, kind, target_id, occurrence, due_at)
SELECT id, 'schedule.replan', 0, 'migration-0008', 0 FROM groups;

-- Group work finished by a clock that was later set back is looked at again at each tick:
-- finished "in the future" is a short range of this index, empty unless the clock stepped.
CREATE INDEX due_work_finished ON due_work (done_at)
    WHERE target_id = 0 AND state IN ('done', 'dropped');

-- A message waiting to be tried again waits a delay measured from `delay_from` (its last
-- attempt, or when it was queued); NULL when it waits for a moment in the calendar (the end
-- of someone's quiet hours). A clock set back below `delay_from` restarts the delay from
-- the present instead of stretching it by the size of the jump.
ALTER TABLE outbox ADD COLUMN delay_from BIGINT;
UPDATE outbox SET delay_from = CASE WHEN attempts > 0 THEN claimed_at ELSE created_at END
 WHERE state = 'pending' AND (attempts > 0 OR next_attempt_at = created_at);
CREATE INDEX outbox_delay ON outbox (delay_from)
    WHERE state = 'pending' AND delay_from IS NOT NULL;

-- "Newest first" is the order things were logged in (ids), not what the clock said then.
CREATE INDEX referrals_giver_logged ON referrals (giver_id, id);
CREATE INDEX referrals_receiver_logged ON referrals (receiver_id, id);
