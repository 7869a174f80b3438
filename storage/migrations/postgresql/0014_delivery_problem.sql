-- PostgreSQL's version of ../0014_delivery_problem.sql.
-- What stops a group's posts, as its admins were last told (the bot is not in the channel,
-- it is archived, a permission is missing): they are told once per problem, not once per
-- message that meets it, and again when the reason changes or the problem comes back after
-- a post went through (which clears it).
ALTER TABLE groups ADD COLUMN delivery_problem TEXT;
