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
