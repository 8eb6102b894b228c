package dev.cable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MessageBatcher}: one backend write per flush, counted as events stored on the channel. */
public interface BatcherContract extends ContainerFixture {

    private List<JsonObject> batches(String channel) {
        return allEvents(channel).stream()
                .peek(m -> assertEquals(MessageBatcher.BATCH_EVENT, m.event()))
                .map(m -> Json.createReader(new StringReader(m.payload())).readObject()).toList();
    }

    @Test
    default void aFullBatchIsWrittenOnceAndTheRestWaitsForFlush() {
        String channel = freshChannel("batch-size");
        MessageBatcher batcher = cable().batcher(channel).batchSize(5);
        for (int i = 0; i < 12; i++) {
            batcher.add("tick", i);
        }
        assertEquals(2, allEvents(channel).size(), "two full batches, two writes");
        assertEquals(2, batcher.pending());
        batcher.flush();
        List<JsonObject> batches = batches(channel);
        assertEquals(List.of(5, 5, 2), batches.stream().map(b -> b.getInt("count")).toList());
        JsonObject first = batches.get(0).getJsonArray("events").getJsonObject(0);
        assertEquals("tick", first.getString("event"));
        assertEquals(0, first.getInt("payload"));
        assertEquals(11, batches.get(2).getJsonArray("events").getJsonObject(1).getInt("payload"));
    }

    @Test
    default void flushingAnEmptyBatcherWritesNothing() {
        String channel = freshChannel("batch-empty");
        MessageBatcher batcher = cable().batcher(channel);
        assertNull(batcher.flush());
        batcher.close();
        assertEquals(0, cable().lastId(channel));
    }

    @Test
    default void closeFlushesInTryWithResources() {
        String channel = freshChannel("batch-close");
        try (MessageBatcher batcher = cable().batcher(channel)) {
            batcher.add("a", 1).add("b", 2).add("c", 3);
            assertEquals(0, allEvents(channel).size());
        }
        assertEquals(List.of(3), batches(channel).stream().map(b -> b.getInt("count")).toList());
    }

    @Test
    default void aRequestScopedBatcherFlushesWhenTheRequestEnds() throws Exception {
        String channel = freshChannel("batch-scope");
        int[] seenBeforeEnd = new int[2];
        // a thread of its own: the test method itself runs inside the test runner's HTTP request
        Thread request = new Thread(() -> {
            requestContext().activate();
            try {
                requestScopedMetrics().record(channel, 7);
                seenBeforeEnd[0] = requestScopedMetrics().pending();
                seenBeforeEnd[1] = allEvents(channel).size();
            } finally {
                requestContext().deactivate();
            }
        });
        request.start();
        request.join(30_000);
        assertEquals(7, seenBeforeEnd[0], "queued during the request");
        assertEquals(0, seenBeforeEnd[1], "nothing written during the request");
        assertEquals(List.of(7), batches(channel).stream().map(b -> b.getInt("count")).toList());
    }

    @Test
    default void invalidUseFailsClearly() {
        assertThrows(CableException.class, () -> cable().batcher(freshChannel("x")).batchSize(0));
        assertThrows(CableException.class, () -> cable().batcher(""));
        MessageBatcher batcher = cable().batcher(freshChannel("y"));
        assertThrows(CableException.class, () -> batcher.add("", 1));
    }
}
