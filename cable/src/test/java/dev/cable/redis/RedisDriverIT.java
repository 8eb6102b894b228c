package dev.cable.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cable.CableDeployment;
import dev.cable.InContainerSuite;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/** Every backend contract (driver, presence, transactions, batching) on the Redis driver. */
@ExtendWith(ArquillianExtension.class)
public class RedisDriverIT extends InContainerSuite {

    @Inject
    @ConfigProperty(name = "cable.redis.uri")
    String uri;

    @Inject
    @ConfigProperty(name = "cable.redis.prefix")
    String prefix;

    @Deployment
    public static WebArchive deployment() {
        return CableDeployment.war(CableDeployment.redis("cable-it-" + System.nanoTime() + ":"),
                RedisDriverIT.class).addClasses(InContainerSuite.CLASSES);
    }

    @Inject
    RedisCableDriver driver;

    @Resource
    ManagedThreadFactory threads;

    /** What lets a long poll on one node wake at once for an emit on another (docs/scaling.md). */
    @Test
    public void everyStoredEventIsAnnouncedToTheNodesWatchingHeads() throws Exception {
        String channel = "watch:" + UUID.randomUUID();
        String other = "watch-other:" + UUID.randomUUID();
        Queue<String> notices = new ConcurrentLinkedQueue<>();
        List<Long> ids = new ArrayList<>();
        try (AutoCloseable watch = driver.watchHeads((c, id) -> notices.add(c + "=" + id), threads)) {
            Thread.sleep(300); // subscribed by now (notices before the subscription are not kept)
            for (int i = 0; i < 3; i++) {
                ids.add(cable().to(channel).emit("e", i).id());
            }
            long otherId = cable().to(other).emit("e", "x").id();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (notices.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of(channel + "=" + ids.get(0), channel + "=" + ids.get(1), channel + "=" + ids.get(2),
                    other + "=" + otherId), new ArrayList<>(notices), "every emit, in order, with its channel and id");
        }
        int before = notices.size();
        cable().to(channel).emit("e", "after");
        Thread.sleep(300);
        assertEquals(before, notices.size(), "nothing after the watch was closed");
    }

    @Override
    protected void loseChannel(String channel) {
        RedisKeys keys = new RedisKeys(prefix);
        try (Jedis jedis = new Jedis(URI.create(uri))) {
            jedis.del(keys.meta(channel), keys.messages(channel));
        }
    }
}
