package dev.cable.internal;

import dev.cable.CableMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This node's view of the newest id of every channel its clients poll, and the long polls waiting
 * on them. A poll whose cursor equals the known head is answered without the backend.
 *
 * <p>The rule that keeps the delivery contract: a known head is a value read from the store, or the
 * id of a message this node stored and saw committed, so it is never ahead of what a client can
 * read; it may lag (a message stored by another node), which the {@link HeadTicker} repairs within
 * one tick — a wake-up may be late, never lost.
 *
 * <p>Only channels that exist (an event was emitted to them: head above 0) are remembered from
 * reads, and a channel that does not exist stays only while a long poll waits on it: 400 polls
 * naming 50 made-up channels each used to leave 20,004 entries, each refreshed from the store on
 * every tick. A poll on a channel that never had an event reads the store (a key lookup that finds
 * nothing), as a poll on any untracked channel does.
 *
 * <p>The table is bounded ({@code cable.poll.max-tracked-channels}): a client naming thousands of
 * made-up channels must not grow a node's memory without limit. A channel that does not fit is
 * simply not remembered — its polls are answered from the store, and a long poll on it is answered
 * at once instead of parked — so the cap costs speed, never correctness.
 */
@ApplicationScoped
public class ChannelHeads {

    /** One channel's known head and the polls waiting on it. */
    static final class Head {
        volatile long id;
        volatile long touched = System.currentTimeMillis();
        final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

        Head(long id) {
            this.id = id;
        }
    }

    /** A parked long poll: its cursors and what to do when one of its channels moves past them. */
    public static final class Waiter {
        final Map<String, Long> cursors;
        final Runnable wake;
        final AtomicBoolean done = new AtomicBoolean();

        Waiter(Map<String, Long> cursors, Runnable wake) {
            this.cursors = cursors;
            this.wake = wake;
        }

        /** Claims the waiter; true exactly once (for a wake-up or the timeout, whichever comes first). */
        public boolean claim() {
            return done.compareAndSet(false, true);
        }
    }

    private static final Logger LOG = Logger.getLogger(ChannelHeads.class.getName());

    private final Map<String, Head> heads = new ConcurrentHashMap<>();

    @Inject
    @ConfigProperty(name = "cable.poll.max-tracked-channels")
    int maxTracked;

    /** The known head of a channel, or -1 if this node knows none. Marks the channel active. */
    public long known(String channel) {
        Head head = heads.get(channel);
        if (head == null) {
            return -1;
        }
        head.touched = System.currentTimeMillis();
        return head.id;
    }

    /** Records a head read from the store (may move it back: the store is the truth). */
    public void observe(String channel, long id) {
        Head head = heads.get(channel);
        if (head == null) {
            if (id <= 0 || heads.size() >= maxTracked) {
                return; // no such channel, or full: served from the store
            }
            head = heads.computeIfAbsent(channel, c -> new Head(id));
        }
        if (head.id != id) {
            head.id = id;
            wake(head);
        }
    }

    /** Moves a head forward to a message this node stored; wakes the polls it concerns. */
    public void advance(String channel, long id) {
        Head head = heads.get(channel);
        if (head == null) {
            return; // nobody on this node polls it; the first poll reads the store
        }
        if (id > head.id) {
            head.id = id;
            wake(head);
        }
    }

    /** Only committed messages move heads (no head may run ahead of what a reader sees). */
    void onStored(@Observes(during = TransactionPhase.AFTER_SUCCESS) CableMessage stored) {
        if (stored.id() > 0) {
            advance(stored.channel(), stored.id());
        }
    }

    /** Whether a poll on these channels can be parked: all are tracked, or the table has room for them. */
    public boolean canTrack(Collection<String> channels) {
        long untracked = channels.stream().filter(c -> !heads.containsKey(c)).count();
        return untracked == 0 || heads.size() + untracked <= maxTracked;
    }

    /** How many channels this node tracks now (a gauge). */
    public int trackedChannels() {
        return heads.size();
    }

    /**
     * Parks a poll on its channels. It is registered before its cursors are checked against the
     * heads again, so a message stored in between wakes it rather than being missed.
     */
    public Waiter park(Map<String, Long> cursors, Runnable wake) {
        Waiter waiter = new Waiter(cursors, wake);
        // atomically per channel: unpark may be removing the entry of a channel that does not exist
        cursors.keySet().forEach(c -> heads.compute(c, (name, head) -> {
            Head h = head == null ? new Head(-1) : head;
            h.waiters.add(waiter);
            return h;
        }));
        for (Map.Entry<String, Long> cursor : cursors.entrySet()) {
            Head head = heads.get(cursor.getKey());
            if (head != null && head.id >= 0 && head.id != cursor.getValue()) {
                fire(waiter);
                break;
            }
        }
        return waiter;
    }

    /** Removes a waiter that finished (answered or timed out), and the channels that do not exist with it. */
    public void unpark(Waiter waiter) {
        waiter.cursors.keySet().forEach(c -> heads.computeIfPresent(c, (name, head) -> {
            head.waiters.remove(waiter);
            return head.id <= 0 && head.waiters.isEmpty() ? null : head;
        }));
    }

    /**
     * Forgets every known head (keeping the waiting polls): while the store fails, polls must reach
     * it and be told (503) rather than be answered from memory. The next successful refresh
     * restores the heads and wakes the waiting polls.
     */
    public void forgetHeads() {
        heads.values().forEach(h -> h.id = -1);
    }

    /** Channels polled within {@code activeMillis}, or with a waiting poll; forgets the others. */
    Set<String> activeChannels(long activeMillis) {
        long cutoff = System.currentTimeMillis() - activeMillis;
        heads.entrySet().removeIf(e -> e.getValue().touched < cutoff && e.getValue().waiters.isEmpty());
        return heads.keySet();
    }

    private void wake(Head head) {
        for (Waiter waiter : head.waiters) {
            fire(waiter);
        }
    }

    /** Wakes one waiter; a failing wake-up must never reach the emitter whose commit caused it. */
    private void fire(Waiter waiter) {
        if (!waiter.done.get()) {
            unpark(waiter);
            try {
                waiter.wake.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Cable could not wake a long poll: " + e);
            }
        }
    }
}
