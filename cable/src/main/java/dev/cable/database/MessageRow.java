package dev.cable.database;

import dev.cable.CableMessage;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** One stored event ({@code cable_messages}), keyed by channel and the channel's sequence id. */
@Entity
@Table(name = "cable_messages")
@IdClass(MessageRow.Key.class)
public class MessageRow {

    @Id
    @Column(name = "channel", length = 255, nullable = false)
    private String channel;

    @Id
    @Column(name = "id", nullable = false)
    private long id;

    @Column(name = "event", length = 255, nullable = false)
    private String event;

    @Column(name = "payload", nullable = false, length = 1_000_000)
    private String payload;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected MessageRow() {
    }

    MessageRow(String channel, long id, String event, String payload, Instant createdAt) {
        this.channel = channel;
        this.id = id;
        this.event = event;
        this.payload = payload;
        this.createdAt = createdAt;
    }

    CableMessage toMessage() {
        return new CableMessage(id, channel, event, payload, createdAt);
    }

    /** The composite primary key (channel, id). */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;
        private String channel;
        private long id;

        public Key() {
        }

        public Key(String channel, long id) {
            this.channel = channel;
            this.id = id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.id == id && Objects.equals(k.channel, channel);
        }

        @Override
        public int hashCode() {
            return Objects.hash(channel, id);
        }
    }
}
