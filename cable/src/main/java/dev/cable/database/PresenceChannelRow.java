package dev.cable.database;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A channel's presence version and member count ({@code cable_presence_channels}). Read with a
 * locking read and changed only while the channel's row in {@code cable_channels} is locked, which is
 * what makes the versions follow the order of the changes. The count is kept here so that a change
 * never counts the room: at 10,000 members that was a scan per join.
 */
@Entity
@Table(name = "cable_presence_channels")
public class PresenceChannelRow {

    @Id
    @Column(name = "channel", length = 255, nullable = false)
    private String channel;

    @Column(name = "version", nullable = false)
    private long version;

    @Column(name = "members", nullable = false)
    private int members;

    protected PresenceChannelRow() {
    }

    PresenceChannelRow(String channel, int members) {
        this.channel = channel;
        this.members = members;
    }

    long version() {
        return version;
    }

    int members() {
        return members;
    }

    /** Records one announced change: the next version, and the members it added and removed. */
    long advance(int joined, int left) {
        members += joined - left;
        return ++version;
    }
}
