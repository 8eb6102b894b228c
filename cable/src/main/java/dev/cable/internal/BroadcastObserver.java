package dev.cable.internal;

import dev.cable.Cable;
import dev.cable.CableBroadcast;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Stores {@link CableBroadcast} CDI events: synchronous ones after the commit, asynchronous ones at once. */
@ApplicationScoped
public class BroadcastObserver {

    private static final Logger LOG = Logger.getLogger(BroadcastObserver.class.getName());

    @Inject
    Cable cable;

    /**
     * Runs after a successful commit (or at once without a transaction). The committed transaction
     * is still bound to the thread here, so the emit needs a new one of its own.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) CableBroadcast broadcast) {
        try {
            cable.emit(broadcast.channel(), broadcast.event(), broadcast.payload());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Cable could not store the broadcast '" + broadcast.event() + "' on channel '"
                    + broadcast.channel() + "': " + e.getMessage());
        }
    }

    void async(@ObservesAsync CableBroadcast broadcast) {
        cable.emit(broadcast.channel(), broadcast.event(), broadcast.payload());
    }
}
