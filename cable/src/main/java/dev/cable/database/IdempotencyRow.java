package dev.cable.database;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** An idempotency key already used on a channel, and the id of the message it stored. */
@Entity
@Table(name = "cable_idempotency")
@IdClass(IdempotencyRow.Key.class)
public class IdempotencyRow {

    @Id
    @Column(name = "channel", length = 255, nullable = false)
    private String channel;

    @Id
    @Column(name = "idem_key", length = 128, nullable = false)
    private String key;

    @Column(name = "message_id", nullable = false)
    private long messageId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected IdempotencyRow() {
    }

    IdempotencyRow(String channel, String key, long messageId, Instant createdAt) {
        this.channel = channel;
        this.key = key;
        this.messageId = messageId;
        this.createdAt = createdAt;
    }

    long messageId() {
        return messageId;
    }

    Instant createdAt() {
        return createdAt;
    }

    /** The composite primary key (channel, idem_key). */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;
        private String channel;
        private String key;

        public Key() {
        }

        public Key(String channel, String key) {
            this.channel = channel;
            this.key = key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(k.channel, channel) && Objects.equals(k.key, key);
        }

        @Override
        public int hashCode() {
            return Objects.hash(channel, key);
        }
    }
}
