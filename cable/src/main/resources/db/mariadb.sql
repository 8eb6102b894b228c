-- Cable schema for MariaDB 10.5+ / MySQL 8. Installed automatically unless
-- cable.database.create-schema=false. Binary NO PAD collation: names are compared code point by
-- code point, so 'admin' and 'admin ' (trailing space) or 'Admin' are different channels, as on every
-- other store. (utf8mb4_bin pads: it made 'admin ' the row of 'admin'.) On MySQL 8 the installer
-- uses utf8mb4_0900_bin, its NO PAD binary collation; tables made with utf8mb4_bin are converted.

-- One row per channel: its id sequence. Emitters increment last_id under the row lock.
CREATE TABLE IF NOT EXISTS cable_channels (
    channel    VARCHAR(255) NOT NULL PRIMARY KEY,
    base_id    BIGINT       NOT NULL,
    last_id    BIGINT       NOT NULL,
    updated_at DATETIME(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- The events; (channel, id) is the cursor order.
CREATE TABLE IF NOT EXISTS cable_messages (
    channel    VARCHAR(255) NOT NULL,
    id         BIGINT       NOT NULL,
    event      VARCHAR(255) NOT NULL,
    payload    MEDIUMTEXT   NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (channel, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE INDEX IF NOT EXISTS cable_messages_created_at ON cable_messages (created_at);

-- Presence: one row per user announced as present in a channel (the primary key is the unique
-- (channel, user_id) and serves lookups by channel).
CREATE TABLE IF NOT EXISTS cable_presence (
    channel    VARCHAR(255)  NOT NULL,
    user_id    VARCHAR(255)  NOT NULL,
    user_info  TEXT,
    last_seen  DATETIME(6)   NOT NULL,
    PRIMARY KEY (channel, user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE INDEX IF NOT EXISTS cable_presence_user_id ON cable_presence (user_id);
CREATE INDEX IF NOT EXISTS cable_presence_last_seen ON cable_presence (last_seen);

-- Presence: one row per session (tab, device) of a user in a channel.
CREATE TABLE IF NOT EXISTS cable_presence_sessions (
    channel    VARCHAR(255) NOT NULL,
    user_id    VARCHAR(255) NOT NULL,
    session_id VARCHAR(64)  NOT NULL,
    expires_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (channel, user_id, session_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE INDEX IF NOT EXISTS cable_presence_sessions_expires_at ON cable_presence_sessions (expires_at);
CREATE INDEX IF NOT EXISTS cable_presence_sessions_user_id ON cable_presence_sessions (user_id);

-- Presence: each channel's presence version, taken by every membership or info change while the
-- channel's row in cable_channels is locked, so updates carry 1, 2, 3, ... in the order of the
-- changes; and its member count, kept by the same changes (a change never counts the room).
CREATE TABLE IF NOT EXISTS cable_presence_channels (
    channel    VARCHAR(255) NOT NULL PRIMARY KEY,
    version    BIGINT       NOT NULL,
    members    INT          NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Expired sessions of one channel, found without reading all of its sessions.
CREATE INDEX IF NOT EXISTS cable_presence_sessions_channel_expires ON cable_presence_sessions (channel, expires_at);

-- Idempotency keys of emits, kept as long as messages (cable.retention).
CREATE TABLE IF NOT EXISTS cable_idempotency (
    channel    VARCHAR(255) NOT NULL,
    idem_key   VARCHAR(128) NOT NULL,
    message_id BIGINT       NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (channel, idem_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE INDEX IF NOT EXISTS cable_idempotency_created_at ON cable_idempotency (created_at);
