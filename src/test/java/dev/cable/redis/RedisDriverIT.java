package dev.cable.redis;

import dev.cable.Cable;
import dev.cable.CableDeployment;
import dev.cable.CableDriverContract;
import jakarta.inject.Inject;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/** The driver contract on the Redis driver, in the container. */
@ExtendWith(ArquillianExtension.class)
public class RedisDriverIT extends CableDriverContract {

    @Inject
    Cable cable;

    @Inject
    @ConfigProperty(name = "cable.redis.uri")
    String uri;

    @Inject
    @ConfigProperty(name = "cable.redis.prefix")
    String prefix;

    @Deployment
    public static WebArchive deployment() {
        return CableDeployment.war(CableDeployment.redis("cable-it-" + System.nanoTime() + ":"),
                RedisDriverIT.class, CableDriverContract.class);
    }

    @Override
    protected Cable cable() {
        return cable;
    }

    @Override
    protected void loseChannel(String channel) {
        RedisKeys keys = new RedisKeys(prefix);
        try (Jedis jedis = new Jedis(URI.create(uri))) {
            jedis.del(keys.meta(channel), keys.messages(channel));
        }
    }
}
