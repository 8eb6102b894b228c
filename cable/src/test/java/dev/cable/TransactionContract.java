package dev.cable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Emits inside JTA transactions: an event exists if and only if its transaction commits, and a
 * rollback leaves no hole in the ids a polling client sees. Direct emits and CDI broadcasts.
 */
public interface TransactionContract extends ContainerFixture {

    private List<Long> idsAfter(String channel, long cursor) {
        return cable().getMessages(channel, cursor).messages().stream().map(CableMessage::id).toList();
    }

    @Test
    default void directEmitInACommittedTransactionIsDeliveredOnce() throws Exception {
        String channel = freshChannel("tx-commit");
        long cursor = cable().to(channel).emit("start", 0).id();
        transaction().begin();
        cable().to(channel).emit("inside", 1);
        transaction().commit();

        List<Long> ids = idsAfter(channel, cursor);
        assertEquals(List.of(cursor + 1), ids);
        assertEquals("inside", cable().getMessages(channel, cursor).messages().get(0).event());
    }

    @Test
    default void directEmitInARolledBackTransactionIsNeverDeliveredAndLeavesNoHole() throws Exception {
        String channel = freshChannel("tx-rollback");
        long cursor = cable().to(channel).emit("start", 0).id();
        transaction().begin();
        cable().to(channel).emit("doomed", 1);
        cable().to(channel).emit("doomed", 2);
        transaction().rollback();
        assertTrue(idsAfter(channel, cursor).isEmpty(), "nothing of the rolled-back transaction is visible");

        CableMessage next = cable().to(channel).emit("after", 3);
        assertEquals(cursor + 1, next.id(), "the rolled-back ids are reused: no hole");
        MessagePage page = cable().getMessages(channel, cursor);
        assertEquals(List.of(next.id()), page.messages().stream().map(CableMessage::id).toList());
        assertTrue(!page.reset());
    }

    @Test
    default void broadcastFiredInATransactionIsStoredOnlyAfterTheCommit() throws Exception {
        String channel = freshChannel("cdi-commit");
        long cursor = cable().to(channel).emit("start", 0).id();
        transaction().begin();
        broadcasts().fire(new CableBroadcast(channel, "cdi", java.util.Map.of("n", 1)));
        assertTrue(idsAfter(channel, cursor).isEmpty(), "not stored before the commit");
        transaction().commit();
        assertEquals(List.of(cursor + 1), idsAfter(channel, cursor));
        assertEquals("{\"n\":1}", cable().getMessages(channel, cursor).messages().get(0).payload());
    }

    @Test
    default void broadcastFiredInARolledBackTransactionIsDropped() throws Exception {
        String channel = freshChannel("cdi-rollback");
        long cursor = cable().to(channel).emit("start", 0).id();
        transaction().begin();
        broadcasts().fire(new CableBroadcast(channel, "cdi", 1));
        transaction().rollback();
        assertTrue(idsAfter(channel, cursor).isEmpty());
        assertEquals(cursor + 1, cable().to(channel).emit("after", 2).id(), "no hole");
    }

    @Test
    default void broadcastFiredOutsideATransactionAndAsynchronouslyIsStored() throws Exception {
        String channel = freshChannel("cdi-plain");
        broadcasts().fire(new CableBroadcast(channel, "sync", 1));
        broadcasts().fireAsync(new CableBroadcast(channel, "async", 2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("sync", "async"), allEvents(channel).stream().map(CableMessage::event).toList());
    }
}
