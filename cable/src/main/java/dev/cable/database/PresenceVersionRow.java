package dev.cable.database;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A channel's presence version ({@code cable_presence_versions}). Read and advanced only while the
 * channel's row in {@code cable_channels} is locked, which is what makes the versions follow the
 * order of the changes.
 */
@Entity
@Table(name = "cable_presence_versions")
public class PresenceVersionRow {

    @Id
    @Column(name = "channel", length = 255, nullable = false)
    private String channel;

    @Column(name = "version", nullable = false)
    private long version;

    protected PresenceVersionRow() {
    }

    PresenceVersionRow(String channel) {
        this.channel = channel;
    }

    long version() {
        return version;
    }

    long advance() {
        return ++version;
    }
}
