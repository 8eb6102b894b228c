package dev.cable.database;

import dev.cable.CableException;
import dev.cable.CableUnavailableException;
import dev.cable.PresenceChanged;
import dev.cable.PresenceDriver;
import dev.cable.PresencePage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Presence in {@code cable_presence} (announced members) and {@code cable_presence_sessions} (their
 * sessions); see {@link DatabasePresenceStore} for how changes stay atomic.
 */
@ApplicationScoped
@Typed(DatabasePresenceDriver.class)
public class DatabasePresenceDriver implements PresenceDriver {

    @Inject
    DatabasePresenceStore store;

    @Inject
    DatabaseCableDriver messages;

    @Override
    public PresenceChanged touch(String channel, String userId, String sessionId, String info, Duration ttl) {
        return guarded(() -> {
            messages.ensureChannelRow(channel);
            return store.touch(channel, userId, sessionId, info, ttl);
        });
    }

    @Override
    public PresenceChanged leave(String channel, String userId, String sessionId, Duration grace) {
        return guarded(() -> {
            messages.ensureChannelRow(channel);
            return store.leave(channel, userId, sessionId, grace);
        });
    }

    @Override
    public PresenceChanged expire(String channel) {
        return guarded(() -> store.expire(channel));
    }

    @Override
    public PresencePage members(String channel, String after, int limit) {
        return guarded(() -> store.members(channel, after, limit));
    }

    @Override
    public List<String> channelsToSweep(int limit) {
        return guarded(() -> store.channelsToSweep(limit));
    }

    @Override
    public List<String> channelsOf(String userId) {
        return guarded(() -> store.channelsOf(userId));
    }

    private <T> T guarded(Supplier<T> work) {
        try {
            messages.ensureSchema();
            return work.get();
        } catch (CableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CableUnavailableException("the database presence driver failed: " + e.getMessage()
                    + " (check cable.datasource.url and that the database is up)", e);
        }
    }
}
