-- The schedule against a calendar (issue 12).
--
-- A meeting's work was planned under the meeting's local date ("2026-12-02"); it is now
-- planned under the meeting's instant in UTC ("2026-12-02T05:00:00Z"), so a date whose local
-- time occurs twice holds one meeting and a meeting moved within its day is another one.
-- Work still to come is re-keyed with what its date meant: that date's meeting at the
-- group's meeting time, the first occurrence of a repeated time, a skipped one read with the
-- offset from before the gap (rapport_meeting_key, which the repository registers).
-- Finished rows keep their dates: they are history.
UPDATE due_work
   SET occurrence = rapport_meeting_key(due_work.occurrence, g.meeting_time, g.tz)
  FROM groups AS g
 WHERE g.id = due_work.group_id
   AND g.meeting_time IS NOT NULL
   AND due_work.kind IN ('reminder.evening', 'reminder.before', 'recap.weekly',
                         'nudge.accountability')
   AND due_work.state IN ('pending', 'running')
   AND due_work.occurrence NOT LIKE '%T%';
-- what could not be re-keyed (no meeting any more) could not run either
UPDATE due_work SET state = 'cancelled', note = 'migration 0007: no meeting to key it by'
 WHERE kind IN ('reminder.evening', 'reminder.before', 'recap.weekly', 'nudge.accountability')
   AND state IN ('pending', 'running')
   AND occurrence NOT LIKE '%T%';

-- Every group plans its meeting and monthly work again, once, by today's rules: a weekly
-- chain that stopped after a meeting in a repeated hour, and a monthly one that stopped
-- after the zone moved west, resume at the first tick.
INSERT INTO due_work (group_id, kind, target_id, occurrence, due_at)
SELECT id, 'schedule.replan', 0, 'migration-0007', 0 FROM groups;
