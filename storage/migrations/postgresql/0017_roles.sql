-- The leadership team: which member holds which role (president, vp, secretary, visitor host,
-- membership committee, mentor). A member may hold several; the core knows the roles' names.

CREATE TABLE member_roles (
    group_id  BIGINT NOT NULL REFERENCES groups(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    role      TEXT NOT NULL,
    since     BIGINT NOT NULL,
    PRIMARY KEY (member_id, role)
);
CREATE INDEX member_roles_group ON member_roles (group_id, role);
