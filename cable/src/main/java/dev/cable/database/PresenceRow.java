package dev.cable.database;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** A user announced as present in a channel ({@code cable_presence}, unique per channel and user). */
@Entity
@Table(name = "cable_presence")
@IdClass(PresenceRow.Key.class)
public class PresenceRow {

    @Id
    @Column(name = "channel", length = 255, nullable = false)
    private String channel;

    @Id
    @Column(name = "user_id", length = 255, nullable = false)
    private String userId;

    @Column(name = "user_info", length = 4096)
    private String info;

    @Column(name = "last_seen", nullable = false)
    private Instant lastSeen;

    protected PresenceRow() {
    }

    PresenceRow(String channel, String userId, String info, Instant lastSeen) {
        this.channel = channel;
        this.userId = userId;
        this.info = info;
        this.lastSeen = lastSeen;
    }

    String userId() {
        return userId;
    }

    String info() {
        return info;
    }

    /** Records a heartbeat; returns true if the info changed. */
    boolean seen(Instant now, String newInfo) {
        this.lastSeen = now;
        if (newInfo != null && !newInfo.equals(info)) {
            this.info = newInfo;
            return true;
        }
        return false;
    }

    /** The composite primary key (channel, user_id). */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;
        private String channel;
        private String userId;

        public Key() {
        }

        public Key(String channel, String userId) {
            this.channel = channel;
            this.userId = userId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(k.channel, channel) && Objects.equals(k.userId, userId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(channel, userId);
        }
    }
}
