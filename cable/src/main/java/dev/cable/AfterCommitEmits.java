package dev.cable;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Holds the emits of a driver that cannot join JTA transactions until the transaction commits, then
 * writes them in order; a rollback drops them.
 */
final class AfterCommitEmits {

    private static final Logger LOG = Logger.getLogger(AfterCommitEmits.class.getName());
    private static final Object KEY = new Object();

    private final TransactionSynchronizationRegistry transactions;

    AfterCommitEmits(TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
    }

    /** True while a transaction is running that will end in a commit or a rollback. */
    boolean inTransaction() {
        int status = transactions.getTransactionStatus();
        return status == Status.STATUS_ACTIVE || status == Status.STATUS_MARKED_ROLLBACK;
    }

    /** Queues the emit on the current transaction; the returned message has id 0 (not yet stored). */
    CableMessage hold(CableDriver driver, String channel, String event, String payload, String idempotencyKey,
                      Consumer<CableMessage> onStored) {
        CableMessage held = new CableMessage(0, channel, event, payload, Instant.now());
        if (transactions.getTransactionStatus() == Status.STATUS_MARKED_ROLLBACK) {
            return held; // it can only roll back: the event is dropped
        }
        Pending pending = (Pending) transactions.getResource(KEY);
        if (pending == null) {
            pending = new Pending(driver, onStored);
            transactions.putResource(KEY, pending);
            transactions.registerInterposedSynchronization(pending);
        }
        pending.emits.add(new String[] {channel, event, payload, idempotencyKey});
        return held;
    }

    private static final class Pending implements Synchronization {
        private final CableDriver driver;
        private final Consumer<CableMessage> onStored;
        private final List<String[]> emits = new ArrayList<>();

        Pending(CableDriver driver, Consumer<CableMessage> onStored) {
            this.driver = driver;
            this.onStored = onStored;
        }

        @Override
        public void beforeCompletion() {
        }

        @Override
        public void afterCompletion(int status) {
            if (status != Status.STATUS_COMMITTED) {
                return;
            }
            for (String[] e : emits) {
                try {
                    onStored.accept(driver.emit(e[0], e[1], e[2], e[3]));
                } catch (RuntimeException failure) {
                    LOG.log(Level.SEVERE, "Cable could not store event '" + e[1] + "' on channel '" + e[0]
                            + "' after its transaction committed: " + failure.getMessage());
                }
            }
        }
    }
}
