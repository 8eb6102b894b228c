package dev.cable.database;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** One session (tab, device) of a user in a channel, live until {@code expires_at}. */
@Entity
@Table(name = "cable_presence_sessions")
@IdClass(PresenceSessionRow.Key.class)
public class PresenceSessionRow {

    @Id
    @Column(name = "channel", length = 255, nullable = false)
    private String channel;

    @Id
    @Column(name = "user_id", length = 255, nullable = false)
    private String userId;

    @Id
    @Column(name = "session_id", length = 64, nullable = false)
    private String sessionId;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    protected PresenceSessionRow() {
    }

    PresenceSessionRow(String channel, String userId, String sessionId, Instant expiresAt) {
        this.channel = channel;
        this.userId = userId;
        this.sessionId = sessionId;
        this.expiresAt = expiresAt;
    }

    String userId() {
        return userId;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    void expiresAt(Instant at) {
        this.expiresAt = at;
    }

    /** The composite primary key (channel, user_id, session_id). */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;
        private String channel;
        private String userId;
        private String sessionId;

        public Key() {
        }

        public Key(String channel, String userId, String sessionId) {
            this.channel = channel;
            this.userId = userId;
            this.sessionId = sessionId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(k.channel, channel) && Objects.equals(k.userId, userId)
                    && Objects.equals(k.sessionId, sessionId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(channel, userId, sessionId);
        }
    }
}
