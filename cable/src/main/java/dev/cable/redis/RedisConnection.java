package dev.cable.redis;

import dev.cable.CableException;
import dev.cable.CableUnavailableException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Jedis pool both Redis drivers share, and the one place Jedis failures become
 * {@link CableUnavailableException}. Connections are made lazily: Redis may be down at start-up.
 */
@ApplicationScoped
public class RedisConnection {

    private JedisPool pool;
    private RedisKeys keys;
    private String uri;

    /** For CDI proxies only. */
    protected RedisConnection() {
    }

    @Inject
    public RedisConnection(@ConfigProperty(name = "cable.redis.uri") String uri,
                           @ConfigProperty(name = "cable.redis.prefix") String prefix,
                           @ConfigProperty(name = "cable.redis.pool-size") int poolSize) {
        if (poolSize < 1) {
            throw new IllegalArgumentException("cable.redis.pool-size must be at least 1");
        }
        JedisPoolConfig config = new JedisPoolConfig();
        config.setMaxTotal(poolSize);
        config.setMaxIdle(poolSize);
        config.setMaxWait(Duration.ofSeconds(2));
        this.uri = uri;
        this.pool = new JedisPool(config, URI.create(uri), 2000);
        this.keys = new RedisKeys(prefix);
    }

    public RedisKeys keys() {
        return keys;
    }

    /** The URI with any password replaced by {@code ***}. */
    public String describe() {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }

    public <T> T run(String action, Function<Jedis, T> work) {
        try (Jedis jedis = pool.getResource()) {
            return work.apply(jedis);
        } catch (CableException e) {
            throw e;
        } catch (JedisException e) {
            throw new CableUnavailableException("Redis could not " + action + " at " + describe() + ": "
                    + e.getMessage() + " (check cable.redis.uri and that Redis is up)", e);
        }
    }

    /** A connection of its own, outside the pool, for a subscription that holds it for good. */
    Jedis dedicated() {
        return new Jedis(URI.create(uri), 2000);
    }

    @PreDestroy
    void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
