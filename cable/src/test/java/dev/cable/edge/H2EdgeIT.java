package dev.cable.edge;

import dev.cable.CableDeployment;
import dev.cable.rest.TcpProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.util.Map;
import org.h2.tools.Server;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link EdgeContract} on the database driver with H2. The shipped default runs H2 inside the
 * server, where there is no connection to cut; here the same H2 version (the one Payara Micro
 * bundles) runs as a TCP server in the test's JVM, reached through the proxy, so the outage drill
 * exercises H2's dialect and driver on the same path as the other databases.
 */
@ExtendWith(ArquillianExtension.class)
public class H2EdgeIT extends EdgeContract {

    static Server h2;
    static TcpProxy proxy;

    @Deployment(testable = false)
    public static WebArchive deployment() throws IOException, SQLException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        h2 = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
        proxy = new TcpProxy("127.0.0.1", port);
        Map<String, String> config = CableDeployment.database("h2");
        config.put("cable.datasource.url", "jdbc:h2:tcp://127.0.0.1:" + proxy.port()
                + "/mem:cable-edge;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        return deployment(config);
    }

    @AfterAll
    static void stopH2() {
        if (h2 != null) {
            h2.stop();
        }
    }

    @Override
    protected TcpProxy backendProxy() {
        return proxy;
    }

    @Override
    protected String backend() {
        return "h2";
    }
}
