package dev.cable.database;

import dev.cable.ChannelState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * Creates a channel's sequence row in a transaction of its own, before the emitting transaction
 * touches it. Creating it inside the emitter's transaction would make a concurrent first emit fail
 * with a duplicate key, which aborts the caller's whole transaction on PostgreSQL.
 */
@ApplicationScoped
public class ChannelRowCreator {

    @Inject
    CablePersistence persistence;

    private EntityManager em() {
        return persistence.joined();
    }

    /** Inserts the row if it is missing; a concurrent creator winning the race surfaces as an exception. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void createIfMissing(String channel) {
        if (em().find(ChannelRow.class, channel) == null) {
            Instant now = Instant.now();
            em().persist(new ChannelRow(channel, ChannelState.freshBase(now.toEpochMilli()), now));
            em().flush();
        }
    }
}
