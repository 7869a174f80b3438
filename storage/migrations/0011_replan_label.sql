-- Migration 0008 as first shipped labelled its re-plan rows 'migration-0007'; it now writes
-- 'migration-0008'. A file that ran the first version keeps its history under the right
-- label. Only the label changes: those rows ran, and none is planned again (a new row under
-- the new label would re-plan every group a second time).
UPDATE due_work SET occurrence = 'migration-0008'
 WHERE kind = 'schedule.replan' AND occurrence = 'migration-0007';
