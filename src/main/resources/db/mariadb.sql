-- Cable schema for MariaDB 10.5+ / MySQL 8. Installed automatically unless
-- cable.database.create-schema=false. Binary collation: channel names are case-sensitive.

-- One row per channel: its id sequence. Emitters increment last_id under the row lock.
CREATE TABLE IF NOT EXISTS cable_channels (
    channel    VARCHAR(255) NOT NULL PRIMARY KEY,
    base_id    BIGINT       NOT NULL,
    last_id    BIGINT       NOT NULL,
    updated_at DATETIME(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The events; (channel, id) is the cursor order.
CREATE TABLE IF NOT EXISTS cable_messages (
    channel    VARCHAR(255) NOT NULL,
    id         BIGINT       NOT NULL,
    event      VARCHAR(255) NOT NULL,
    payload    MEDIUMTEXT   NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (channel, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE INDEX IF NOT EXISTS cable_messages_created_at ON cable_messages (created_at);
