-- Court staff (the console, signed in with ProConnect). Signing in proves
-- who an agent is; what he may do is granted here, per court, to his
-- professional e-mail address (lower case). His ProConnect identity (a
-- `users` row of ProConnect's issuer) is bound to that address at his
-- first sign-in, and only that identity may use its roles afterwards.
CREATE TABLE staff_roles (
    id          INTEGER PRIMARY KEY,
    email       TEXT NOT NULL,
    court_id    INTEGER NOT NULL REFERENCES courts(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('sauj', 'greffe', 'admin')),
    granted_at  TEXT NOT NULL,
    granted_by  TEXT NOT NULL,
    UNIQUE (email, court_id)
);
CREATE TABLE agents (
    email       TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    uid         TEXT NOT NULL,
    siret       TEXT NOT NULL,
    idp_id      TEXT,
    bound_at    TEXT NOT NULL
);
-- A login under way belongs to one realm: a litigant's cannot be finished
-- at the console's return address, nor the reverse.
ALTER TABLE login_attempts ADD COLUMN realm TEXT NOT NULL DEFAULT 'litigant';
