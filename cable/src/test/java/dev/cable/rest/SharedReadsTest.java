package dev.cable.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cable.CableUnavailableException;
import dev.cable.MessagePage;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedReadsTest {

    private static final long LONG_TTL = TimeUnit.MINUTES.toNanos(1);

    private static SharedReads.Rendered page(long lastId) {
        return new SharedReads.Rendered(MessagePage.empty(lastId), JsonValue.EMPTY_JSON_OBJECT);
    }

    @Test
    void pollsAskingTheSameWhileTheFirstReadsShareItsRead() throws Exception {
        SharedReads shared = new SharedReads(LONG_TTL);
        SharedReads.Key key = new SharedReads.Key("chat:1", 10, 12);
        AtomicInteger reads = new AtomicInteger();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SharedReads.Rendered answer = page(12);
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            Future<SharedReads.Rendered> first = pool.submit(() -> shared.get(key, () -> {
                reads.incrementAndGet();
                reading.countDown();
                await(release);
                return answer;
            }));
            assertTrue(reading.await(5, TimeUnit.SECONDS));
            List<Future<SharedReads.Rendered>> others = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                others.add(pool.submit(() -> shared.get(key, () -> {
                    reads.incrementAndGet();
                    return page(99);
                })));
            }
            Thread.sleep(100); // the eight are waiting for the first read now
            release.countDown();
            assertSame(answer, first.get(5, TimeUnit.SECONDS));
            for (Future<SharedReads.Rendered> other : others) {
                assertSame(answer, other.get(5, TimeUnit.SECONDS));
            }
            assertEquals(1, reads.get(), "nine polls, one read");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMovedHeadOrAnotherCursorIsAnotherQuestion() {
        SharedReads shared = new SharedReads(LONG_TTL);
        AtomicInteger reads = new AtomicInteger();
        shared.get(new SharedReads.Key("chat:1", 10, 12), () -> page(reads.incrementAndGet()));
        shared.get(new SharedReads.Key("chat:1", 10, 12), () -> page(reads.incrementAndGet()));
        assertEquals(1, reads.get());
        shared.get(new SharedReads.Key("chat:1", 10, 13), () -> page(reads.incrementAndGet()));
        shared.get(new SharedReads.Key("chat:1", 11, 13), () -> page(reads.incrementAndGet()));
        shared.get(new SharedReads.Key("chat:2", 10, 12), () -> page(reads.incrementAndGet()));
        assertEquals(4, reads.get());
    }

    @Test
    void aFailedReadIsNotRemembered() {
        SharedReads shared = new SharedReads(LONG_TTL);
        SharedReads.Key key = new SharedReads.Key("chat:1", 10, 12);
        CableUnavailableException down = new CableUnavailableException("store down", null);
        assertSame(down, assertThrows(CableUnavailableException.class, () -> shared.get(key, () -> {
            throw down;
        })));
        SharedReads.Rendered answer = page(12);
        assertSame(answer, shared.get(key, () -> answer), "the next poll reads again");
    }

    /** Expired answers go within a lifetime or so, long before the bound of 10,000 is reached. */
    @Test
    void expiredAnswersAreDroppedWithoutWaitingForTheBound() throws Exception {
        SharedReads shared = new SharedReads(TimeUnit.MILLISECONDS.toNanos(20));
        for (int head = 0; head < 200; head++) {
            long lastId = head;
            shared.get(new SharedReads.Key("chat:1", 0, head), () -> page(lastId));
        }
        Thread.sleep(50);
        shared.get(new SharedReads.Key("chat:2", 0, 1), () -> page(1));
        assertTrue(shared.size() <= 2, "held " + shared.size());
    }

    @Test
    void anAnswerOlderThanItsLifetimeIsReadAgain() throws Exception {
        SharedReads shared = new SharedReads(TimeUnit.MILLISECONDS.toNanos(20));
        SharedReads.Key key = new SharedReads.Key("chat:1", 10, 12);
        AtomicInteger reads = new AtomicInteger();
        shared.get(key, () -> page(reads.incrementAndGet()));
        Thread.sleep(40);
        assertEquals(2, shared.get(key, () -> page(reads.incrementAndGet())).page().lastId());
    }

    @Test
    void theNumberOfHeldAnswersIsBounded() {
        SharedReads shared = new SharedReads(LONG_TTL);
        for (int i = 0; i < SharedReads.MAX_ENTRIES * 2; i++) {
            shared.get(new SharedReads.Key("chat:" + i, 0, 1), () -> page(1));
        }
        assertTrue(shared.size() <= SharedReads.MAX_ENTRIES + 1, "held " + shared.size());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
