package dev.cable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The delivery contract every {@link CableDriver} must keep (docs/protocol.md), run through
 * {@link Cable} against a real backend. Each backend has a subclass; every test uses fresh channels.
 */
public abstract class CableDriverContract {

    /** Emitter threads of the concurrency test, and events each emits. */
    protected static final int EMITTERS = 8;
    protected static final int EVENTS_PER_EMITTER = 400;

    /** The Cable under test, wired to the backend of the subclass. */
    public abstract Cable cable();

    /** Makes the backend forget a channel entirely, as a Redis restart or a wiped table would. */
    protected abstract void loseChannel(String channel) throws Exception;

    /** A record payload; JSON-B serializes public types only. */
    public record Point(int x, String label) {
    }

    protected static String fresh(String name) {
        return "contract:" + name + ":" + UUID.randomUUID();
    }

    private static List<Long> ids(MessagePage page) {
        return page.messages().stream().map(CableMessage::id).toList();
    }

    @Test
    public void emittedEventIsPolledOnceWithItsNameAndPayload() {
        String channel = fresh("once");
        long cursor = cable().lastId(channel);
        CableMessage sent = cable().to(channel).emit("message:new", Map.of("user", "alice", "text", "hi"));

        MessagePage page = cable().getMessages(channel, cursor);
        assertEquals(List.of(sent.id()), ids(page));
        CableMessage got = page.messages().get(0);
        assertEquals("message:new", got.event());
        assertEquals(Json.createObjectBuilder().add("text", "hi").add("user", "alice").build(),
                Json.createReader(new java.io.StringReader(got.payload())).readObject());
        assertEquals(sent.id(), page.lastId());
        assertTrue(cable().getMessages(channel, page.lastId()).isEmpty(), "a second poll must not repeat it");
    }

    @Test
    public void idsAreConsecutiveIntegersBelowTwoToThe53() {
        String channel = fresh("ids");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(cable().to(channel).emit("n", i).id());
        }
        for (int i = 1; i < ids.size(); i++) {
            assertEquals(ids.get(i - 1) + 1, ids.get(i));
        }
        assertTrue(ids.get(ids.size() - 1) < (1L << 53));
        assertTrue(ids.get(0) > 0);
    }

    @Test
    public void lastIdEmbeddedInAPageResumesExactlyAfterWhatThePageShowed() {
        String channel = fresh("embed");
        cable().to(channel).emit("old", 1);
        cable().to(channel).emit("old", 2);
        long embedded = cable().lastId(channel);
        CableMessage later = cable().to(channel).emit("new", 3);

        assertEquals(List.of(later.id()), ids(cable().getMessages(channel, embedded)));
    }

    @Test
    public void channelWithoutEventsHasCursorZeroAndItsFirstEventIsDeliveredFromThere() {
        String channel = fresh("empty");
        assertEquals(0, cable().lastId(channel));
        MessagePage nothing = cable().getMessages(channel, 0L);
        assertTrue(nothing.isEmpty());
        assertFalse(nothing.reset());

        CableMessage first = cable().to(channel).emit("first", true);
        MessagePage page = cable().getMessages(channel, 0L);
        assertEquals(List.of(first.id()), ids(page));
        assertFalse(page.reset());
    }

    @Test
    public void channelNamesAreCaseSensitiveAndIndependent() {
        String channel = fresh("Room");
        String lower = channel.toLowerCase(java.util.Locale.ROOT);
        cable().to(channel).emit("a", 1);
        cable().to(channel).emit("a", 2);
        CableMessage other = cable().to(lower).emit("b", 3);

        assertEquals(2, cable().getMessages(channel, 0L).messages().size());
        assertEquals(List.of(other.id()), ids(cable().getMessages(lower, 0L)));
    }

    /**
     * One definition of a channel on every store: names that differ only by trailing spaces, case
     * or Unicode normalisation are different channels (MariaDB's padded collation took
     * {@code "admin "} for {@code "admin"}, past the access rules, which saw two names).
     */
    @Test
    public void namesDifferingOnlyByTrailingSpacesCaseOrNormalisationAreDifferentChannels() {
        String base = fresh("admin");
        List<String> names = List.of(base, base + " ", base + "  ", base.toUpperCase(java.util.Locale.ROOT),
                base + "-caf\u00e9", base + "-cafe\u0301", base + "-\uff21", base + "-A");
        Map<String, Long> ids = new java.util.LinkedHashMap<>();
        for (String name : names) {
            ids.put(name, cable().to(name).emit("only-" + names.indexOf(name), names.indexOf(name)).id());
        }
        for (String name : names) {
            MessagePage page = cable().getMessages(name, 0L);
            assertEquals(List.of(ids.get(name)), ids(page), "'" + name + "' has its own event only");
            assertEquals("only-" + names.indexOf(name), page.messages().get(0).event());
        }
    }

    /**
     * Names users write can spell another key's name on a key-value store: the channel
     * <code>x}:once:k</code> and channel {@code x}'s idempotency key <code>k}:messages</code>, a
     * channel whose name ends like a message key. Each stays a channel of its own and cleanup runs.
     */
    @Test
    public void namesThatSpellAnotherChannelsKeysStayChannelsOfTheirOwn() {
        String x = fresh("keys");
        List<String> names = List.of(x + "}:once:k", x + "}:messages", x + "\\}", x + "\\)", x + "{y}", x + "}");
        for (String name : names) {
            cable().to(name).emit("own", name);
        }
        CableMessage keyed = cable().emit(x, "keyed", 1, "k}:messages");
        assertEquals(keyed.id(), cable().emit(x, "keyed", 1, "k}:messages").id(), "the key still deduplicates");
        cable().emit(x, "keyed", 2, "k\\)");
        for (String name : names) {
            List<CableMessage> own = cable().getMessages(name, 0L).messages();
            assertEquals(1, own.size(), name);
            assertEquals(name, ((jakarta.json.JsonString) Json.createReader(new java.io.StringReader(own.get(0).payload()))
                    .readValue()).getString());
        }
        assertEquals(2, cable().getMessages(x, 0L).messages().size(), "two keys, two events");
        cable().cleanup(Duration.ofDays(1)); // a sweep over every channel's keys meets no foreign type
    }

    @Test
    public void payloadsOfEveryJsonShapeAndUnicodeRoundTrip() {
        String channel = fresh("チャット 😀");
        List<Object> payloads = List.of(Map.of("k", "ü✓😀"), new Point(3, "π"), List.of(1, "two", 3.5),
                "just text", 42, Json.createObjectBuilder().add("nested", Json.createArrayBuilder().add(1)).build());
        List<String> expected = List.of("{\"k\":\"ü✓😀\"}", "{\"label\":\"π\",\"x\":3}", "[1,\"two\",3.5]",
                "\"just text\"", "42", "{\"nested\":[1]}");
        for (Object payload : payloads) {
            cable().to(channel).emit("shape", payload);
        }
        assertEquals(expected, cable().getMessages(channel, 0L).messages().stream().map(CableMessage::payload).toList());
    }

    @Test
    public void largestAllowedPayloadIsStoredWhole() {
        String channel = fresh("big");
        int max = cable().maxPayloadBytes();
        String text = "é".repeat((max - 2) / 2);
        cable().to(channel).emit("big", text);
        assertEquals("\"" + text + "\"", cable().getMessages(channel, 0L).messages().get(0).payload());
    }

    @Test
    public void invalidEmitsThrowAndStoreNothing() {
        String channel = fresh("invalid");
        assertThrows(CableException.class, () -> cable().to(channel).emit("", 1));
        assertThrows(CableException.class, () -> cable().to(channel).emit("bad\u0007", 1));
        CableException tooLarge = assertThrows(CableException.class,
                () -> cable().to(channel).emit("big", "x".repeat(cable().maxPayloadBytes())));
        assertEquals(CableException.Reason.TOO_LARGE, tooLarge.reason());
        assertThrows(CableException.class, () -> cable().to("a\u0000b"));
        assertEquals(0, cable().lastId(channel));
    }

    @Test
    public void pageLimitSaysMoreAndTheRestFollows() {
        String channel = fresh("more");
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            sent.add(cable().to(channel).emit("n", i).id());
        }
        MessagePage first = cable().getMessages(channel, 0L, 3);
        assertTrue(first.more());
        assertEquals(sent.subList(0, 3), ids(first));
        MessagePage second = cable().getMessages(channel, first.lastId(), 3);
        assertEquals(sent.subList(3, 6), ids(second));
        assertTrue(second.more());
        MessagePage third = cable().getMessages(channel, second.lastId(), 3);
        assertEquals(sent.subList(6, 7), ids(third));
        assertFalse(third.more());
    }

    @Test
    public void cursorAheadOfTheHeadAnswersReset() {
        String channel = fresh("ahead");
        CableMessage only = cable().to(channel).emit("n", 1);
        MessagePage page = cable().getMessages(channel, only.id() + 1000);
        assertTrue(page.reset());
        assertEquals(List.of(only.id()), ids(page));
    }

    @Test
    public void cleanupRemovesOnlyOlderMessagesAndAStaleCursorThenAnswersReset() throws Exception {
        String channel = fresh("cleanup");
        CableMessage old = cable().to(channel).emit("old", 1);
        Thread.sleep(1500);
        CableMessage recent = cable().to(channel).emit("recent", 2);

        long removed = cable().cleanup(Duration.ofMillis(700));
        assertTrue(removed >= 1, "cleanup must report what it removed, was " + removed);

        MessagePage fromStart = cable().getMessages(channel, 0L);
        assertEquals(List.of(recent.id()), ids(fromStart));
        assertTrue(fromStart.reset(), "the start of the channel was trimmed: the client must be told");
        MessagePage stale = cable().getMessages(channel, old.id() - 1);
        assertTrue(stale.reset());
        assertEquals(List.of(old.id() + 1), ids(stale));
        MessagePage current = cable().getMessages(channel, old.id());
        assertFalse(current.reset(), "a cursor right before the retained history loses nothing");
        assertEquals(List.of(recent.id()), ids(current));
    }

    @Test
    public void cursorFromBeforeTheStoreLostTheChannelAnswersResetInsteadOfSkipping() throws Exception {
        String channel = fresh("lost");
        long oldCursor = 0;
        for (int i = 0; i < 5; i++) {
            oldCursor = cable().to(channel).emit("before", i).id();
        }
        loseChannel(channel);
        assertTrue(cable().getMessages(channel, oldCursor).reset(), "the channel is gone: reset");

        List<Long> newLife = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            newLife.add(cable().to(channel).emit("after", i).id());
        }
        assertNotEquals(oldCursor + 1, newLife.get(0));
        MessagePage page = cable().getMessages(channel, oldCursor);
        assertTrue(page.reset(), "a cursor of the old life must not silently skip the new life's events");
        assertEquals(newLife, ids(page));
    }

    @Test
    public void aRetriedEmitWithTheSameIdempotencyKeyStoresNothingNewAndAnswersTheOriginalId() throws Exception {
        String channel = fresh("once");
        CableMessage first = cable().emit(channel, "order:placed", Map.of("n", 1), "order-17");
        CableMessage retry = cable().emit(channel, "order:placed", Map.of("n", 1), "order-17");
        assertEquals(first.id(), retry.id());
        CableMessage other = cable().emit(channel, "order:placed", Map.of("n", 2), "order-18");
        assertEquals(first.id() + 1, other.id(), "a new key stores a new event");
        assertEquals(other.id() + 1, cable().emit(channel, "plain", 3).id(), "no key, no check");

        List<Long> racing = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> racing.add(cable().emit(channel, "order:placed", Map.of("n", 4), "order-19").id()));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(8, racing.size());
        assertEquals(1, racing.stream().distinct().count(), "eight racing retries, one event: " + racing);
        assertEquals(4, cable().getMessages(channel, 0L).messages().size());
        assertThrows(CableException.class, () -> cable().emit(channel, "e", 1, ""));
    }

    /**
     * Many emitters on two channels while a client follows the cursor with small pages: every
     * emitted event is received exactly once, ids strictly increase, and each emitter's events keep
     * their order.
     */
    @Test
    public void concurrentEmittersAreDeliveredExactlyOnceInOrder() throws Exception {
        List<String> channels = List.of(fresh("concurrent-a"), fresh("concurrent-b"));
        Map<String, List<CableMessage>> received = new ConcurrentHashMap<>();
        Map<String, List<Long>> emitted = new ConcurrentHashMap<>();
        channels.forEach(c -> {
            received.put(c, Collections.synchronizedList(new ArrayList<>()));
            emitted.put(c, Collections.synchronizedList(new ArrayList<>()));
        });
        AtomicBoolean emittersDone = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean resetSeen = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);

        Thread poller = new Thread(() -> {
            Map<String, Long> cursors = new HashMap<>();
            channels.forEach(c -> cursors.put(c, cable().lastId(c)));
            try {
                start.await();
                boolean drained = false;
                while (!drained) {
                    boolean finalRound = emittersDone.get();
                    boolean anything = false;
                    for (String c : channels) {
                        MessagePage page = cable().getMessages(c, cursors.get(c), 37);
                        resetSeen.compareAndSet(false, page.reset());
                        received.get(c).addAll(page.messages());
                        cursors.put(c, page.lastId());
                        anything |= !page.isEmpty() || page.more();
                    }
                    drained = finalRound && !anything;
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        poller.start();

        List<Thread> emitters = new ArrayList<>();
        for (int e = 0; e < EMITTERS; e++) {
            int emitter = e;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int n = 0; n < EVENTS_PER_EMITTER; n++) {
                        String channel = channels.get((n + emitter) % channels.size());
                        CableMessage m = cable().to(channel).emit("tick", Map.of("emitter", emitter, "n", n));
                        emitted.get(channel).add(m.id());
                    }
                } catch (Throwable t2) {
                    failure.compareAndSet(null, t2);
                }
            });
            emitters.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : emitters) {
            t.join(180_000);
        }
        emittersDone.set(true);
        poller.join(180_000);
        if (failure.get() != null) {
            throw new AssertionError("a worker failed", failure.get());
        }

        assertFalse(resetSeen.get(), "a client following the cursor must never need a reset here");
        int total = 0;
        for (String c : channels) {
            List<CableMessage> got = received.get(c);
            List<Long> gotIds = got.stream().map(CableMessage::id).toList();
            for (int i = 1; i < gotIds.size(); i++) {
                assertTrue(gotIds.get(i) > gotIds.get(i - 1), "ids must strictly increase at index " + i);
            }
            List<Long> sent = new ArrayList<>(emitted.get(c));
            Collections.sort(sent);
            assertEquals(sent, gotIds, "every emitted event exactly once on " + c);
            Map<Integer, Integer> lastN = new LinkedHashMap<>();
            for (CableMessage m : got) {
                var payload = Json.createReader(new java.io.StringReader(m.payload())).readObject();
                int emitter = payload.getInt("emitter");
                int n = payload.getInt("n");
                Integer previous = lastN.put(emitter, n);
                assertTrue(previous == null || previous < n, "emitter " + emitter + " order kept");
            }
            total += got.size();
        }
        assertEquals(EMITTERS * EVENTS_PER_EMITTER, total);
    }
}
