package dev.cable.database;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A channel's id sequence ({@code cable_channels}). Emitters increment {@code last_id} with an
 * UPDATE, which locks the row until their transaction ends: ids of a channel are therefore
 * handed out, and become visible, strictly in order, and a rollback gives its id back.
 */
@Entity
@Table(name = "cable_channels")
public class ChannelRow {

    @Id
    @Column(name = "channel", length = 255, nullable = false)
    private String channel;

    @Column(name = "base_id", nullable = false)
    private long baseId;

    @Column(name = "last_id", nullable = false)
    private long lastId;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected ChannelRow() {
    }

    ChannelRow(String channel, long baseId, Instant now) {
        this.channel = channel;
        this.baseId = baseId;
        this.lastId = baseId;
        this.updatedAt = now;
    }

    public String getChannel() {
        return channel;
    }

    public long getBaseId() {
        return baseId;
    }

    public long getLastId() {
        return lastId;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
