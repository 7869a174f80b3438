-- PostgreSQL's version of ../0015_dm_lane.sql.
-- A Discord user has one DM channel, whatever the guild (the workspace) a message to them
-- was queued in: a member of groups in two guilds has one DM conversation, not one per
-- guild. Their DMs' lane is the user's alone ('dm:discord:<user>'), so two DMs to them never
-- go out at once, and go in the order they were queued. Rows still to go out are re-keyed
-- (a lane is read only while a row is 'pending' or 'sending').
UPDATE outbox SET lane = 'dm:discord:' || (target::json -> 'dm' ->> 2)
    WHERE state IN ('pending', 'sending') AND (target::json -> 'dm' ->> 0) = 'discord';
