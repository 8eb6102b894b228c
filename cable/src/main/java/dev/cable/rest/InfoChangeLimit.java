package dev.cable.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How often a user's presence info may change in one channel through the HTTP endpoints:
 * {@code cable.presence.info-changes-per-minute} per user and channel on a node (bursts of that
 * many). Every change is a broadcast to the whole channel; one token holder sent 1,010 joins with
 * changing info in 60 s, all accepted, and on Redis pushed the channel's other events past its
 * message cap. A join that repeats the info last accepted is not a change and is never limited.
 * Per node: behind a load balancer a user meets each node's budget, a bound all the same.
 */
@ApplicationScoped
public class InfoChangeLimit {

    private static final int MAX_TRACKED = 100_000;

    @Inject
    @ConfigProperty(name = "cable.presence.info-changes-per-minute")
    int perMinute;

    @Inject
    @ConfigProperty(name = "cable.presence.max-info-bytes")
    int maxInfoBytes;

    /** The info last accepted, and a token bucket of changes (capacity {@code perMinute}), per user and channel. */
    private static final class Budget {
        private final RateLimit.Bucket changes;
        private String info;

        Budget(int capacity, long now) {
            this.changes = new RateLimit.Bucket(capacity, now);
        }

        synchronized boolean change(String newInfo, int perMinute, long now) {
            if (newInfo.equals(info)) {
                return true;
            }
            if (changes.take(perMinute / 60.0, perMinute, now) > 0) {
                return false;
            }
            info = newInfo;
            return true;
        }
    }

    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

    /** Records a change of the user's info (JSON text) in the channel, or throws 429 when over budget. */
    public void check(String channel, String user, String info) {
        if (perMinute <= 0 || info.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxInfoBytes) {
            return; // off, or an info Presence refuses (413): no change to count
        }
        if (budgets.size() > MAX_TRACKED) {
            budgets.clear(); // a flood of users: start over rather than grow without bound
        }
        long now = System.currentTimeMillis();
        Budget budget = budgets.computeIfAbsent(channel + '\n' + user, k -> new Budget(perMinute, now));
        if (!budget.change(info, perMinute, now)) {
            throw Refusal.tooMany("the user info of '" + user + "' in channel '" + channel + "' changes too often: at most "
                    + perMinute + " changes per minute (cable.presence.info-changes-per-minute)", 60L / perMinute + 1);
        }
    }
}
