package dev.cable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A driver kept in memory, for unit tests of the cursor rules; it can trim and forget on demand. */
public class InMemoryDriver implements CableDriver {

    private final Map<String, TreeMap<Long, CableMessage>> messages = new ConcurrentHashMap<>();
    private final Map<String, ChannelState> states = new ConcurrentHashMap<>();
    private long nextBase = 1_000_000;

    @Override
    public synchronized CableMessage emit(String channel, String event, String payload) {
        ChannelState state = states.computeIfAbsent(channel, c -> new ChannelState(nextBase, nextBase));
        long id = state.head() + 1;
        states.put(channel, new ChannelState(state.base(), id));
        CableMessage message = new CableMessage(id, channel, event, payload, Instant.now());
        messages.computeIfAbsent(channel, c -> new TreeMap<>()).put(id, message);
        return message;
    }

    @Override
    public synchronized ChannelState state(String channel) {
        return states.getOrDefault(channel, ChannelState.UNKNOWN);
    }

    @Override
    public synchronized List<CableMessage> read(String channel, long afterId, long upToId, int limit) {
        TreeMap<Long, CableMessage> stored = messages.getOrDefault(channel, new TreeMap<>());
        List<CableMessage> result = new ArrayList<>(stored.subMap(afterId, false, upToId, true).values());
        return result.subList(0, Math.min(limit, result.size()));
    }

    @Override
    public synchronized long cleanup(Duration olderThan) {
        Instant cutoff = Instant.now().minus(olderThan);
        long removed = 0;
        for (TreeMap<Long, CableMessage> stored : messages.values()) {
            int before = stored.size();
            stored.values().removeIf(m -> m.createdAt().isBefore(cutoff));
            removed += before - stored.size();
        }
        return removed;
    }

    @Override
    public void ping() {
    }

    @Override
    public String describe() {
        return "in-memory";
    }

    /** Removes the oldest {@code count} messages of a channel, as a Redis trim would. */
    public synchronized void trimOldest(String channel, int count) {
        TreeMap<Long, CableMessage> stored = messages.get(channel);
        for (int i = 0; i < count && !stored.isEmpty(); i++) {
            stored.pollFirstEntry();
        }
    }

    /** Forgets everything, as a Redis restart would; the next life starts at a larger base. */
    public synchronized void loseEverything() {
        messages.clear();
        states.clear();
        nextBase += 1_000_000;
    }
}
