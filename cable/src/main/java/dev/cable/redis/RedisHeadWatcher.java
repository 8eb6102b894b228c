package dev.cable.redis;

import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Tells this node of every event any node stores: the emit script publishes {@code "id channel"} on
 * one topic, this subscription hands each notice to the node's channel heads, and a long poll
 * parked here wakes at once instead of at the next head refresh. It holds a connection of its own
 * (a subscribed connection can do nothing else) and re-subscribes after a failure, once a second;
 * notices published meanwhile are lost, which the head refresh of every tick makes good.
 */
final class RedisHeadWatcher implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisHeadWatcher.class.getName());
    private static final long RETRY_MILLIS = 1000;

    private final RedisConnection redis;
    private final String topic;
    private final BiConsumer<String, Long> onStored;
    private volatile boolean closed;
    private volatile Jedis connection;
    private final JedisPubSub subscription = new JedisPubSub() {
        @Override
        public void onMessage(String channel, String message) {
            int space = message.indexOf(' ');
            if (space <= 0) {
                return;
            }
            try {
                onStored.accept(message.substring(space + 1), Long.parseLong(message.substring(0, space)));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Cable ignored a head notice: " + message, e);
            }
        }
    };

    RedisHeadWatcher(RedisConnection redis, String topic, BiConsumer<String, Long> onStored) {
        this.redis = redis;
        this.topic = topic;
        this.onStored = onStored;
    }

    @Override
    public void run() {
        boolean failing = false;
        while (!closed) {
            try (Jedis jedis = redis.dedicated()) {
                connection = jedis;
                if (failing) {
                    LOG.info("Cable receives head notices from Redis again");
                    failing = false;
                }
                jedis.subscribe(subscription, topic); // returns when unsubscribed by close()
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!failing) {
                    failing = true;
                    LOG.warning("Cable lost its Redis head subscription (" + e.getMessage()
                            + "); long polls wake at the next head refresh until it is back");
                }
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } finally {
                connection = null;
            }
        }
    }

    /** Ends the subscription; if it is not (or not yet) subscribed, closing its connection ends it. */
    @Override
    public void close() {
        closed = true;
        try {
            if (subscription.isSubscribed()) {
                subscription.unsubscribe();
                return;
            }
        } catch (RuntimeException e) {
            // the connection is broken: closing it below ends the subscription as well
        }
        Jedis jedis = connection;
        if (jedis != null) {
            jedis.close();
        }
    }
}
