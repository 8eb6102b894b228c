package dev.cable.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script run by its SHA1 ({@code EVALSHA}), sent in full only when Redis does not know it
 * (first use, after a restart or {@code SCRIPT FLUSH}).
 */
final class RedisScript {

    private final String body;
    private volatile String sha;

    private RedisScript(String body) {
        this.body = body;
    }

    static RedisScript load(String resource) {
        return new RedisScript(text(resource));
    }

    /**
     * A script that calls {@code store_event}: store-event.lua goes in front of it, so the two
     * scripts that store events (an emit, a presence change) store them one way.
     */
    static RedisScript loadStoringEvents(String resource) {
        return new RedisScript(text("store-event.lua") + text(resource));
    }

    private static String text(String resource) {
        try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Lua script " + resource, e);
        }
    }

    Object run(Jedis jedis, List<String> keys, List<String> args) {
        String known = sha;
        if (known != null) {
            try {
                return jedis.evalsha(known, keys, args);
            } catch (JedisNoScriptException e) {
                // Redis restarted or flushed its script cache: send the body again below
            }
        }
        sha = jedis.scriptLoad(body);
        return jedis.evalsha(sha, keys, args);
    }
}
