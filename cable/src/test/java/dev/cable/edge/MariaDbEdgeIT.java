package dev.cable.edge;

import dev.cable.CableDeployment;
import dev.cable.rest.TcpProxy;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link EdgeContract} on the database driver with MariaDB, reached through a TCP proxy:
 * the pooled connections die with the cut and the server must come back by itself.
 */
@ExtendWith(ArquillianExtension.class)
public class MariaDbEdgeIT extends EdgeContract {

    static TcpProxy proxy;

    @Deployment(testable = false)
    public static WebArchive deployment() throws IOException {
        // cable.it.mariadb.url is jdbc:mariadb://host:port/db
        URI server = URI.create(System.getProperty("cable.it.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/test")
                .substring("jdbc:".length()));
        proxy = new TcpProxy(server.getHost(), server.getPort());
        Map<String, String> config = CableDeployment.database("mariadb");
        config.put("cable.datasource.url", "jdbc:mariadb://127.0.0.1:" + proxy.port() + server.getPath() + "?user=root"
                + CableDeployment.MARIADB_TIMEOUTS);
        return deployment(config);
    }

    @Override
    protected TcpProxy backendProxy() {
        return proxy;
    }

    @Override
    protected String backend() {
        return "mariadb";
    }
}
