package dev.cable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The presence contract every {@link PresenceDriver} keeps, through {@link Presence}. The test
 * deployments use a 6 s timeout, 1 s grace and a 1 s sweeper.
 */
public interface PresenceContract extends ContainerFixture {

    private List<JsonObject> updates(String channel) {
        return allEvents(channel).stream().filter(m -> m.event().equals(Presence.UPDATE_EVENT))
                .map(m -> Json.createReader(new StringReader(m.payload())).readObject()).toList();
    }

    private static List<String> ids(List<PresenceMember> members) {
        return members.stream().map(PresenceMember::userId).toList();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    default void joinBroadcastsTheNewMemberListOnceAndFiresACdiEvent() {
        String channel = freshChannel("join");
        presence().join("alice", channel, "tab-1", Map.of("name", "Alice"));

        assertEquals(List.of("alice"), ids(presence().getUsers(channel)));
        assertEquals("{\"name\":\"Alice\"}", presence().getUsers(channel).get(0).info());
        List<JsonObject> updates = updates(channel);
        assertEquals(1, updates.size());
        JsonObject update = updates.get(0);
        assertEquals(1, update.getInt("count"));
        assertEquals("alice", update.getJsonArray("users").getJsonObject(0).getString("id"));
        assertEquals("Alice", update.getJsonArray("users").getJsonObject(0).getJsonObject("info").getString("name"));
        assertEquals(List.of("alice"), update.getJsonArray("joined").getValuesAs(jakarta.json.JsonString::getString));
        assertEquals("Alice", update.getJsonArray("changed").getJsonObject(0).getJsonObject("info").getString("name"));
        assertEquals(1, update.getInt("version"));
        assertTrue(update.containsKey("timestamp"));
        assertEquals(1, presenceEvents().on(channel).size());
        assertEquals("alice", presenceEvents().on(channel).get(0).joined().get(0).userId());
    }

    /**
     * The last update a client holds is the truth: twelve users join at once with two tabs each,
     * then half of them leave at once, four rounds. On Redis the change and its update were two
     * steps, and in 2 of 4 rounds concurrent changes stored their snapshots in the opposite order.
     */
    @Test
    default void concurrentChangesLeaveTheLastUpdateListingExactlyTheMembers() throws Exception {
        for (int round = 0; round < 4; round++) {
            String channel = freshChannel("crowd");
            List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.function.Consumer<java.util.function.IntConsumer> atOnce = work -> {
                List<Thread> threads = new java.util.ArrayList<>();
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                for (int n = 0; n < 24; n++) {
                    int task = n;
                    Thread t = new Thread(() -> {
                        try {
                            start.await();
                            work.accept(task);
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    });
                    threads.add(t);
                    t.start();
                }
                start.countDown();
                for (Thread t : threads) {
                    try {
                        t.join(60_000);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            atOnce.accept(task -> presence().join("user-" + (task % 12), channel, "tab-" + (task / 12),
                    Map.of("name", "User " + (task % 12))));
            assertEquals(List.of(), failures);
            assertLastUpdateIsTheTruth(channel, 12);
            atOnce.accept(task -> {
                if (task % 12 < 6) {
                    presence().leave("user-" + (task % 12), channel);
                }
            });
            assertEquals(List.of(), failures);
            assertLastUpdateIsTheTruth(channel, 6);
        }
    }

    private void assertLastUpdateIsTheTruth(String channel, int members) {
        List<String> truth = ids(presence().getUsers(channel));
        assertEquals(members, truth.size());
        List<JsonObject> updates = updates(channel);
        JsonObject last = updates.get(updates.size() - 1);
        List<String> listed = last.getJsonArray("users").stream().map(u -> u.asJsonObject().getString("id")).sorted().toList();
        assertEquals(truth.stream().sorted().toList(), listed, "the last of " + updates.size() + " updates");
        assertEquals(members, last.getInt("count"));
        assertRepliesAddUpToTheStore(channel);
    }

    /**
     * Replays every update the channel stored, in stored order, as a client would: the versions run
     * 1, 2, 3, ... without a gap, each step's changes lead to its count (and its list, where there
     * is one), and the last one is what the store holds, at the store's version.
     */
    private void assertRepliesAddUpToTheStore(String channel) {
        PresenceReplica replica = new PresenceReplica();
        updates(channel).forEach(replica::apply);
        PresencePage first = presence().getUsers(channel, null, Presence.MAX_PAGE);
        assertEquals(PresenceReplica.of(presence().getUsers(channel)), replica.members());
        assertEquals(first.version(), replica.version(), "the store's version is the last update's");
    }

    /**
     * Past {@link Presence#LISTED_MEMBERS} an update carries the change, not the room: the bytes
     * of a join stay the same however many are present, and pages of the list add up to the room.
     */
    @Test
    default void aLargeRoomsUpdatesCarryTheChangeAndItsListIsReadInPages() {
        String channel = freshChannel("large");
        for (int u = 0; u < 150; u++) {
            presence().join(String.format("user-%03d", u), channel, "tab", Map.of("name", "User " + u));
        }
        for (int u = 0; u < 150; u += 15) {
            presence().leave(String.format("user-%03d", u), channel);
        }
        List<JsonObject> updates = updates(channel);
        assertEquals(160, updates.size());
        assertTrue(updates.get(99).containsKey("users"), "100 members are listed");
        assertTrue(updates.stream().skip(100).noneMatch(u -> u.containsKey("users")), "101 and more are not");
        int joinAt101 = updates.get(100).toString().getBytes(StandardCharsets.UTF_8).length;
        int joinAt150 = updates.get(149).toString().getBytes(StandardCharsets.UTF_8).length;
        assertTrue(Math.abs(joinAt150 - joinAt101) < 16, "a join costs the same at 101 and 150 members: "
                + joinAt101 + " and " + joinAt150 + " bytes");
        assertTrue(joinAt150 < 300, "a join is its own size, was " + joinAt150 + " bytes");

        List<String> paged = new ArrayList<>();
        PresencePage page = presence().getUsers(channel, null, 40);
        paged.addAll(ids(page.users()));
        int pages = 1;
        while (page.next() != null) {
            page = presence().getUsers(channel, page.next(), 40);
            paged.addAll(ids(page.users()));
            pages++;
        }
        assertEquals(4, pages, "140 members in pages of 40");
        assertEquals(140, page.count());
        assertEquals(160, page.version());
        assertEquals(ids(presence().getUsers(channel)), paged);
        assertEquals(140, new java.util.HashSet<>(paged).size());
        assertRepliesAddUpToTheStore(channel);
    }

    /**
     * 80 members with 1,000 bytes of info each are 80 KB of list, more than an event may carry
     * (cable.max-payload-bytes, 64 KiB): with the whole list in every update the 66th join was
     * refused with 413, and every join after it.
     */
    @Test
    default void membersWithLargeInfoNeverMakeTheRoomsUpdatesTooLargeToStore() {
        String channel = freshChannel("bulky");
        String filler = "x".repeat(980);
        for (int u = 0; u < 80; u++) {
            presence().join("user-" + u, channel, "tab", Map.of("bio", filler));
        }
        List<JsonObject> updates = updates(channel);
        assertEquals(80, updates.size());
        assertEquals(80, presence().getUsers(channel).size());
        assertTrue(updates.get(79).toString().length() < 2000, "the last join carries one member");
        assertRepliesAddUpToTheStore(channel);
    }

    @Test
    default void aChannelNobodyJoinedIsAnEmptyListAtVersionZero() {
        PresencePage page = presence().getUsers(freshChannel("nobody"), null, 10);
        assertEquals(List.of(), page.users());
        assertEquals(0, page.count());
        assertEquals(0, page.version());
        assertEquals(null, page.next());
    }

    @Test
    default void aNewDisplayNameIsBroadcastButTheSameOneIsNot() {
        String channel = freshChannel("rename");
        presence().heartbeat("erin", channel, "tab");          // present before the page sent its info
        presence().join("erin", channel, "tab", Map.of("name", "Erin"));
        presence().join("erin", channel, "tab", Map.of("name", "Erin"));
        List<JsonObject> updates = updates(channel);
        assertEquals(2, updates.size(), "the join, then the info; the repeated join is silent");
        assertEquals("Erin", updates.get(1).getJsonArray("users").getJsonObject(0).getJsonObject("info").getString("name"));
        assertTrue(updates.get(1).getJsonArray("joined").isEmpty());
        assertEquals("Erin", updates.get(1).getJsonArray("changed").getJsonObject(0).getJsonObject("info").getString("name"));
        assertEquals(2, updates.get(1).getInt("version"));
        assertRepliesAddUpToTheStore(channel);
    }

    @Test
    default void heartbeatsOfPresentUsersWriteButBroadcastNothing() {
        String channel = freshChannel("quiet");
        presence().join("alice", channel);
        presence().join("bob", channel);
        for (int i = 0; i < 20; i++) {
            assertTrue(!presence().heartbeat("alice", channel).changed());
            presence().heartbeat("bob", channel);
        }
        assertEquals(2, updates(channel).size(), "only the two joins are broadcast");
        assertEquals(List.of("alice", "bob"), ids(presence().getUsers(channel)));
    }

    @Test
    default void aUserWithSeveralSessionsIsOneMemberUntilTheLastLeaves() throws Exception {
        String channel = freshChannel("tabs");
        presence().join("alice", channel, "tab-1", null);
        presence().join("alice", channel, "tab-2", null);
        assertEquals(List.of("alice"), ids(presence().getUsers(channel)));
        presence().leave("alice", channel, "tab-1");
        Thread.sleep(1500);
        presence().heartbeat("alice", channel, "tab-2");
        assertEquals(List.of("alice"), ids(presence().getUsers(channel)), "tab-2 is still open");
        assertEquals(1, updates(channel).size());

        presence().leave("alice", channel, "tab-2");
        await("alice's leave", () -> presence().getUsers(channel).isEmpty());
        List<JsonObject> updates = updates(channel);
        assertEquals(2, updates.size());
        assertEquals(0, updates.get(1).getInt("count"));
        assertEquals("alice", updates.get(1).getJsonArray("left").getString(0));
    }

    @Test
    default void aReloadWithinTheGracePeriodBroadcastsNeitherLeaveNorJoin() throws Exception {
        String channel = freshChannel("reload");
        presence().join("alice", channel, "page-1", null);
        presence().leave("alice", channel, "page-1");
        presence().join("alice", channel, "page-2", null);
        Thread.sleep(2500); // past the grace period and a sweep or two
        presence().heartbeat("alice", channel, "page-2");
        assertEquals(List.of("alice"), ids(presence().getUsers(channel)));
        assertEquals(1, updates(channel).size(), "just the first join");
    }

    @Test
    default void leaveRemovesTheUserAtOnceEverywhereItWasAsked() {
        String channel = freshChannel("leave");
        String other = freshChannel("other");
        presence().join("carol", channel);
        presence().join("carol", other);
        assertEquals(List.of(channel, other).stream().sorted().toList(), presence().getChannels("carol")
                .stream().filter(c -> c.equals(channel) || c.equals(other)).toList());

        PresenceChanged change = presence().leave("carol", channel);
        assertEquals(List.of("carol"), change.left());
        assertTrue(presence().getUsers(channel).isEmpty());
        assertTrue(!presence().getChannels("carol").contains(channel));
        assertTrue(presence().getChannels("carol").contains(other));
        assertEquals(0, updates(channel).get(1).getInt("count"));
        assertTrue(!presence().leave("carol", channel).changed(), "leaving twice changes nothing");
    }

    /**
     * Alice stops heartbeating while Bob keeps going: Alice times out on her own, and the sweeper
     * announces it exactly once even with several sweeps racing (as on several nodes).
     */
    @Test
    default void eachUserExpiresOnTheirOwnAndTheTimeoutIsAnnouncedOnce() throws Exception {
        String channel = freshChannel("expiry");
        presence().join("alice", channel);
        presence().join("bob", channel);
        long deadline = System.currentTimeMillis() + 8000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> sweepers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    while (System.currentTimeMillis() < deadline) {
                        presence().cleanup();
                        Thread.sleep(50);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            sweepers.add(t);
            t.start();
        }
        go.countDown();
        while (System.currentTimeMillis() < deadline) {
            presence().heartbeat("bob", channel);
            Thread.sleep(300);
        }
        for (Thread t : sweepers) {
            t.join();
        }
        assertEquals(List.of("bob"), ids(presence().getUsers(channel)));
        List<JsonObject> leaves = updates(channel).stream().filter(u -> !u.getJsonArray("left").isEmpty()).toList();
        assertEquals(1, leaves.size(), "alice's timeout is announced once");
        assertEquals("alice", leaves.get(0).getJsonArray("left").getString(0));
        assertEquals(List.of("bob"), leaves.get(0).getJsonArray("users").stream()
                .map(u -> u.asJsonObject().getString("id")).toList());
    }

    @Test
    default void theSweeperTimerAnnouncesATimeoutWithoutAnyoneAsking() throws Exception {
        String channel = freshChannel("sweeper");
        presence().join("dave", channel);
        await("the sweeper to announce dave's timeout",
                () -> updates(channel).stream().anyMatch(u -> !u.getJsonArray("left").isEmpty()));
        assertEquals(2, updates(channel).size());
    }

    /**
     * 100 users join and heartbeat three rounds: the channel gets their 100 joins and nothing for
     * the 300 heartbeats. Prints the figures the closing note reports.
     */
    @Test
    default void hundredUsersHeartbeatingBroadcastOnlyTheirJoins() {
        String channel = freshChannel("hundred");
        for (int u = 0; u < 100; u++) {
            presence().join("user-" + u, channel);
        }
        long afterJoins = updates(channel).size();
        for (int round = 0; round < 3; round++) {
            for (int u = 0; u < 100; u++) {
                presence().heartbeat("user-" + u, channel);
            }
        }
        List<CableMessage> events = allEvents(channel);
        long bytes = events.stream().mapToLong(m -> m.payload().getBytes(StandardCharsets.UTF_8).length).sum();
        assertEquals(100, afterJoins);
        assertEquals(100, events.size(), "300 heartbeats broadcast nothing");
        JsonObject last = updates(channel).get(99);
        assertEquals(100, last.getInt("count"));
        System.out.println("PRESENCE-FIGURES 100 users, 3 heartbeat rounds: " + events.size()
                + " presence:update events, " + bytes + " bytes in all; last update "
                + last.toString().getBytes(StandardCharsets.UTF_8).length + " bytes");
    }
}
