-- annohub schema, version 1 (PostgreSQL). Times are milliseconds since the Unix epoch.
-- Documents read and written whole (category schema, stages, settings, template bodies) are
-- JSON, not JSONB: JSON keeps the text as sent, so object keys come back in the order sent.
-- Project names and emails sort bytewise (COLLATE "C"), as SQLite's BINARY collation does.
CREATE TABLE organizations (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    project_count BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    email           TEXT COLLATE "C" NOT NULL UNIQUE,
    name            TEXT,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    project_count   BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL
);
CREATE INDEX users_organization ON users (organization_id);

CREATE TABLE api_keys (
    hash       BYTEA PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX api_keys_one_active ON api_keys (user_id) WHERE revoked_at IS NULL;

CREATE TABLE projects (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    name            TEXT COLLATE "C" NOT NULL,
    name_lower      TEXT NOT NULL,
    description     TEXT NOT NULL,
    type            TEXT NOT NULL CHECK (type IN ('ango', 'pct', 'iframe')),
    owner_email     TEXT NOT NULL,
    category_schema JSON NOT NULL,
    stages          JSON NOT NULL,
    settings        JSON NOT NULL,
    queue_version   BIGINT NOT NULL DEFAULT 2,
    asset_count     BIGINT NOT NULL DEFAULT 0,
    revision        BIGINT NOT NULL DEFAULT 1,
    deleted         SMALLINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX projects_by_created ON projects (organization_id, created_at, id) WHERE deleted = 0;
CREATE INDEX projects_by_updated ON projects (organization_id, updated_at, id) WHERE deleted = 0;
CREATE INDEX projects_by_name ON projects (organization_id, name, id) WHERE deleted = 0;

CREATE TABLE project_members (
    project_id TEXT NOT NULL REFERENCES projects(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL CHECK (role IN ('Labeler', 'Reviewer', 'Lead', 'Manager')),
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_by_user ON project_members (user_id);

CREATE TABLE batches (
    project_id  TEXT NOT NULL REFERENCES projects(id),
    id          TEXT NOT NULL,
    position    BIGINT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    color       TEXT,
    PRIMARY KEY (project_id, id),
    UNIQUE (project_id, name)
);

CREATE TABLE asset_builder_templates (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    name       TEXT NOT NULL,
    body       JSON NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE files (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    purpose    TEXT NOT NULL CHECK (purpose IN ('instructions')),
    object_key TEXT NOT NULL UNIQUE,
    file_name  TEXT NOT NULL,
    size       BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX files_one_per_purpose ON files (project_id, purpose);

CREATE TABLE task_activity (
    id               BIGSERIAL PRIMARY KEY,
    project_id       TEXT NOT NULL REFERENCES projects(id),
    user_email       TEXT COLLATE "C" NOT NULL,
    batch_id         TEXT,
    kind             TEXT NOT NULL CHECK (kind IN ('submit', 'review', 'skip')),
    accepted         SMALLINT,
    annotations      BIGINT NOT NULL DEFAULT 0,
    duration_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
    at               BIGINT NOT NULL
);
CREATE INDEX task_activity_by_project ON task_activity (project_id, at);
