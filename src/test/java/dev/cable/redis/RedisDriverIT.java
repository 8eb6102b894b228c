package dev.cable.redis;

import dev.cable.CableDeployment;
import dev.cable.InContainerSuite;
import jakarta.inject.Inject;
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

    @Override
    protected void loseChannel(String channel) {
        RedisKeys keys = new RedisKeys(prefix);
        try (Jedis jedis = new Jedis(URI.create(uri))) {
            jedis.del(keys.meta(channel), keys.messages(channel));
        }
    }
}
