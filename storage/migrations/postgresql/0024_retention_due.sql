-- Prospects' contact details are erased by due work (bot/retention.py): one row a group a
-- day, claimed like any other, so exactly one worker does it, instead of a timer in every
-- process. Every existing group's first sweep is due at once; each sweep plans the next.
INSERT INTO due_work (group_id, kind, target_id, occurrence, due_at)
SELECT id, 'privacy.retention', 0, 'migration-0024', 0 FROM groups;
