package dev.cable.rest;

import dev.cable.MessagePage;
import jakarta.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Store reads that many polls ask for at once, made once. When an event wakes a thousand long polls
 * parked at the same cursor, or many readers follow one channel, they all ask the same question —
 * "what comes after cursor c on channel x?" while this node knows head h — within milliseconds. The
 * first asker reads the store and renders the answer; the others, arriving while it reads or shortly
 * after, take that answer instead of reading again.
 *
 * <p>Sharing is safe because the key holds the known head: a shared page was read when the store's
 * head was at least {@code h} (known heads are never ahead of the store), so it is an answer any of
 * the askers could have got from a read of its own. When the head moves, the key changes and the
 * next asker reads afresh. A failed read is handed to the askers already waiting for it and then
 * forgotten. Entries live at most {@code ttlNanos}, which bounds how long a trim of the history can
 * go unnoticed (a {@code reset} shows up that much later).
 */
final class SharedReads {

    /** The question: channel, cursor, and the head this node knew when it was asked. */
    record Key(String channel, long cursor, long head) {
    }

    /** A page and its JSON, rendered once for every poll that shares it. */
    record Rendered(MessagePage page, JsonObject json) {
    }

    private record Entry(CompletableFuture<Rendered> answer, long bornNanos) {
    }

    static final int MAX_ENTRIES = 10_000;

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    /** Expired answers are dropped once per lifetime: pruned only past the bound, 1,448 expired pages
     *  of a 10,000-member presence room (parsed payloads) filled a 1 GiB heap (bench scenario P). */
    private final java.util.concurrent.atomic.AtomicLong nextPrune = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

    SharedReads(long ttlNanos) {
        this.ttlNanos = ttlNanos;
    }

    /** The shared answer to {@code key}, from {@code read} if no fresh one is there or coming. */
    Rendered get(Key key, Supplier<Rendered> read) {
        long now = System.nanoTime();
        Entry mine = new Entry(new CompletableFuture<>(), now);
        Entry entry = entries.compute(key, (k, old) -> old != null && now - old.bornNanos() < ttlNanos ? old : mine);
        if (entry != mine) {
            try {
                return entry.answer().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw e;
            }
        }
        long due = nextPrune.get();
        if ((now - due >= 0 && nextPrune.compareAndSet(due, now + ttlNanos)) || entries.size() > MAX_ENTRIES) {
            prune(now);
        }
        try {
            Rendered rendered = read.get();
            mine.answer().complete(rendered);
            return rendered;
        } catch (RuntimeException e) {
            entries.remove(key, mine);
            mine.answer().completeExceptionally(e);
            throw e;
        }
    }

    /** How many answers are held (for tests and the bound). */
    int size() {
        return entries.size();
    }

    private void prune(long now) {
        entries.values().removeIf(e -> now - e.bornNanos() >= ttlNanos);
        if (entries.size() > MAX_ENTRIES) {
            entries.values().removeIf(e -> e.answer().isDone());
        }
    }
}
