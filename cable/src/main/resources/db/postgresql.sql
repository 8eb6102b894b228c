-- Cable schema for PostgreSQL 12+. Installed automatically unless
-- cable.database.create-schema=false.

-- One row per channel: its id sequence. Emitters increment last_id under the row lock.
CREATE TABLE IF NOT EXISTS cable_channels (
    channel    VARCHAR(255)                NOT NULL PRIMARY KEY,
    base_id    BIGINT                      NOT NULL,
    last_id    BIGINT                      NOT NULL,
    updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

-- The events; (channel, id) is the cursor order.
CREATE TABLE IF NOT EXISTS cable_messages (
    channel    VARCHAR(255)                NOT NULL,
    id         BIGINT                      NOT NULL,
    event      VARCHAR(255)                NOT NULL,
    payload    TEXT                        NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (channel, id)
);

CREATE INDEX IF NOT EXISTS cable_messages_created_at ON cable_messages (created_at);

-- Presence: one row per user announced as present in a channel (the primary key is the unique
-- (channel, user_id) and serves lookups by channel).
CREATE TABLE IF NOT EXISTS cable_presence (
    channel    VARCHAR(255)                NOT NULL,
    user_id    VARCHAR(255)                NOT NULL,
    user_info  VARCHAR(4096),
    last_seen  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (channel, user_id)
);

CREATE INDEX IF NOT EXISTS cable_presence_user_id ON cable_presence (user_id);
CREATE INDEX IF NOT EXISTS cable_presence_last_seen ON cable_presence (last_seen);

-- Presence: one row per session (tab, device) of a user in a channel.
CREATE TABLE IF NOT EXISTS cable_presence_sessions (
    channel    VARCHAR(255)                NOT NULL,
    user_id    VARCHAR(255)                NOT NULL,
    session_id VARCHAR(64)                 NOT NULL,
    expires_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (channel, user_id, session_id)
);

CREATE INDEX IF NOT EXISTS cable_presence_sessions_expires_at ON cable_presence_sessions (expires_at);
CREATE INDEX IF NOT EXISTS cable_presence_sessions_user_id ON cable_presence_sessions (user_id);

-- Presence: each channel's presence version, taken by every membership or info change while the
-- channel's row in cable_channels is locked, so updates carry 1, 2, 3, ... in the order of the
-- changes; and its member count, kept by the same changes (a change never counts the room).
CREATE TABLE IF NOT EXISTS cable_presence_channels (
    channel    VARCHAR(255) NOT NULL PRIMARY KEY,
    version    BIGINT       NOT NULL,
    members    INT          NOT NULL
);

-- Expired sessions of one channel, found without reading all of its sessions.
CREATE INDEX IF NOT EXISTS cable_presence_sessions_channel_expires ON cable_presence_sessions (channel, expires_at);

-- Idempotency keys of emits, kept as long as messages (cable.retention).
CREATE TABLE IF NOT EXISTS cable_idempotency (
    channel    VARCHAR(255)                NOT NULL,
    idem_key   VARCHAR(128)                NOT NULL,
    message_id BIGINT                      NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (channel, idem_key)
);

CREATE INDEX IF NOT EXISTS cable_idempotency_created_at ON cable_idempotency (created_at);
