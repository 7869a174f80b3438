-- PostgreSQL's version of ../0013_slack_installations.sql.
-- Slack for many workspaces: each workspace's installation (its bot token) and the OAuth
-- states handed to installers' browsers, kept in Rapport's own database, so the database's
-- backups are secrets. And workspaces the app was taken out of: delivery there stops at
-- once, and the data of their groups is erased after a grace period unless they come back.

CREATE TABLE slack_installations (
    team_id         TEXT NOT NULL,
    enterprise_id   TEXT NOT NULL DEFAULT '',   -- '' outside an Enterprise Grid
    app_id          TEXT,
    team_name       TEXT,
    bot_token       TEXT NOT NULL,
    bot_id          TEXT,
    bot_user_id     TEXT,
    bot_scopes      TEXT,
    installer_id    TEXT,                       -- who installed it (their user id)
    is_enterprise_install BIGINT NOT NULL DEFAULT 0,
    installed_at    BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, team_id)
);

CREATE TABLE slack_oauth_states (
    state     TEXT PRIMARY KEY,
    expire_at BIGINT NOT NULL
);

-- a workspace (Slack) or server (Discord) the app was removed from, until it comes back or
-- its data is erased
CREATE TABLE workspace_departures (
    platform  TEXT NOT NULL,
    workspace TEXT NOT NULL,
    left_at   BIGINT NOT NULL,
    reason    TEXT NOT NULL,
    PRIMARY KEY (platform, workspace)
);
