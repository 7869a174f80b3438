-- Delivery at scale: many messages in flight, each conversation in order, every claim fenced.
--
-- lane: the conversation a message goes to (a channel, or one person's DMs). A message is
--   claimed only when no message queued before it in its lane is still waiting or going
--   out, so one conversation gets its messages one at a time, in order, whichever process
--   sends them.
-- send_at: when the message was first meant to go out; retries never change it, so a
--   message waiting out a backoff keeps its place, and one scheduled for later (after quiet
--   hours) does not hold up what is queued for now.
-- claim_token: a random token written by each claim; every later change checks it, so a
--   worker whose stale claim was taken over cannot undo the new owner's work.
ALTER TABLE outbox ADD COLUMN lane TEXT;
ALTER TABLE outbox ADD COLUMN send_at BIGINT;
ALTER TABLE outbox ADD COLUMN claim_token TEXT;
UPDATE outbox SET send_at = next_attempt_at,
    lane = CASE
        WHEN (target::json -> 'dm') IS NOT NULL THEN
            'dm:' || (target::json -> 'dm' ->> 0) || ':' || (target::json -> 'dm' ->> 1)
            || ':' || (target::json -> 'dm' ->> 2)
        ELSE
            'post:' || (target::json -> 'post' ->> 0) || ':' || (target::json -> 'post' ->> 1)
            || ':' || COALESCE((target::json -> 'post' ->> 2), '')
    END
    WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_lane ON outbox (lane, send_at, id) WHERE state IN ('pending', 'sending');

ALTER TABLE due_work ADD COLUMN claim_token TEXT;
