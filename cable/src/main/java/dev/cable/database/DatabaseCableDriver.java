package dev.cable.database;

import dev.cable.CableDriver;
import dev.cable.CableException;
import dev.cable.CableMessage;
import dev.cable.CableUnavailableException;
import dev.cable.ChannelState;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The database driver: JPA (Hibernate) on the {@code cable_channels} / {@code cable_messages} tables.
 * A per-channel sequence row, incremented under its row lock, gives gap-free ids that become
 * visible in order, and joins the caller's JTA transaction. It translates persistence failures into
 * {@link CableUnavailableException}.
 */
@ApplicationScoped
@Typed(DatabaseCableDriver.class)
public class DatabaseCableDriver implements CableDriver {

    private static final int KNOWN_CHANNELS_LIMIT = 100_000;

    /** The fix when the caller's transaction already holds a non-XA connection of another datasource. */
    static final String SECOND_RESOURCE = " (the emit runs in your transaction, which already uses another, non-XA "
            + "datasource: set cable.database.datasource to that datasource's JNDI name so Cable shares its "
            + "connection, or emit with Event<CableBroadcast>.fire after the commit; docs/install.md)";

    @Inject
    DatabaseMessageStore store;

    @Inject
    ChannelRowCreator creator;

    @Inject
    SchemaInstaller schema;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    @ConfigProperty(name = "cable.database.create-schema")
    boolean createSchema;

    /** Channels whose sequence row is known to exist; Cable never deletes rows, so this rarely goes stale. */
    private final Set<String> knownChannels = ConcurrentHashMap.newKeySet();

    @Override
    public CableMessage emit(String channel, String event, String payload) {
        return emit(channel, event, payload, null);
    }

    @Override
    public CableMessage emit(String channel, String event, String payload, String idempotencyKey) {
        return guarded("store an event", () -> {
            ensureChannelRow(channel);
            CableMessage stored = store.append(channel, event, payload, idempotencyKey);
            if (stored == null) {
                // The row was deleted behind our back (the cache said it existed).
                knownChannels.remove(channel);
                if (transactions.getTransactionStatus() != Status.STATUS_NO_TRANSACTION) {
                    // Creating it now from a new transaction could wait forever on the gap lock the
                    // caller's transaction took with its failed UPDATE (MariaDB/MySQL).
                    throw new CableUnavailableException("the sequence row of channel '" + channel
                            + "' disappeared from cable_channels; retry the transaction", null);
                }
                ensureChannelRow(channel);
                stored = store.append(channel, event, payload, idempotencyKey);
                if (stored == null) {
                    throw new CableUnavailableException("cannot create the sequence row of channel '"
                            + channel + "' in cable_channels", null);
                }
            }
            return stored;
        });
    }

    /** The emit runs in the caller's JTA transaction when there is one. */
    @Override
    public boolean joinsTransactions() {
        return true;
    }

    @Override
    public ChannelState state(String channel) {
        return guarded("read a channel", () -> store.state(channel));
    }

    /** One query per 500 channels. */
    @Override
    public Map<String, Long> heads(Collection<String> channels) {
        return guarded("read channel heads", () -> {
            Map<String, Long> heads = new HashMap<>();
            List<String> all = new ArrayList<>(channels);
            for (int from = 0; from < all.size(); from += 500) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
                chunk.forEach(c -> heads.put(c, 0L));
                for (Object[] row : store.heads(chunk)) {
                    heads.put((String) row[0], (Long) row[1]);
                }
            }
            return heads;
        });
    }

    @Override
    public List<CableMessage> read(String channel, long afterId, long upToId, int limit) {
        return guarded("read messages", () -> store.read(channel, afterId, upToId, limit));
    }

    @Override
    public long cleanup(Duration olderThan) {
        return guarded("clean up", () -> (long) store.deleteOlderThan(Instant.now().minus(olderThan)));
    }

    @Override
    public void ping() {
        guarded("answer a ping", () -> {
            store.ping();
            return null;
        });
    }

    @Override
    public String describe() {
        try {
            return "database (" + schema.ensureInstalled(createSchema) + ")";
        } catch (RuntimeException e) {
            return "database (unreachable)";
        }
    }

    /**
     * Creates the channel's sequence row unless this node knows it exists, in the caller's transaction
     * if there is one; the node remembers the row once that transaction committed (a rolled-back
     * creation leaves no row behind).
     */
    void ensureChannelRow(String channel) {
        if (knownChannels.contains(channel)) {
            return;
        }
        creator.createIfMissing(channel, schema.ensureInstalled(createSchema));
        if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            transactions.registerInterposedSynchronization(new jakarta.transaction.Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        remember(channel);
                    }
                }
            });
        } else {
            remember(channel);
        }
    }

    private void remember(String channel) {
        if (knownChannels.size() >= KNOWN_CHANNELS_LIMIT) {
            knownChannels.clear();
        }
        knownChannels.add(channel);
    }

    /** Installs the schema if that has not happened yet. */
    void ensureSchema() {
        schema.ensureInstalled(createSchema);
    }

    private <T> T guarded(String action, Supplier<T> work) {
        try {
            schema.ensureInstalled(createSchema);
            return work.get();
        } catch (CableException e) {
            throw e;
        } catch (RuntimeException e) {
            String cause = rootMessage(e);
            throw new CableUnavailableException("the database driver could not " + action + ": " + cause
                    + (cause.contains("non-XA") ? SECOND_RESOURCE : " (check cable.datasource.url and that the database is up)"), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
