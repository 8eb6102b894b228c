package dev.cable.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cable.CableDeployment;
import dev.cable.rest.TcpProxy;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link FaultsIT} drill on the database driver: MariaDB reached through a TCP proxy that the
 * test cuts in the middle of live traffic and restores. The datasource's pooled connections die
 * with the cut; the server must notice and come back by itself.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class MariaDbFaultsIT {

    static final String TOKEN = "faults-db-" + UUID.randomUUID();
    static TcpProxy dbProxy;

    @ArquillianResource
    URL deployed;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    public static WebArchive deployment() throws IOException {
        // cable.it.mariadb.url is jdbc:mariadb://host:port/db
        URI mariadb = URI.create(System.getProperty("cable.it.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/test")
                .substring("jdbc:".length()));
        dbProxy = new TcpProxy(mariadb.getHost(), mariadb.getPort());
        Map<String, String> config = new LinkedHashMap<>(CableDeployment.database("mariadb"));
        config.put("cable.datasource.url", "jdbc:mariadb://127.0.0.1:" + dbProxy.port() + mariadb.getPath() + "?user=root");
        config.put("cable.publish.token", TOKEN);
        config.put("cable.rate-limit.per-second", "0");
        return CableDeployment.war(config);
    }

    private FaultDrill drill() {
        URI base = URI.create("http://127.0.0.1:" + deployed.getPort() + deployed.getPath());
        return new FaultDrill(http, base, TOKEN, dbProxy, "mariadb");
    }

    @Test
    @Order(1)
    public void aCursorOlderThanTheHistoryGetsReset() {
        List<String> violations = drill().aCursorOlderThanTheHistoryGetsReset();
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    @Test
    @Order(2)
    public void mariaDbOutagesOf3And8SecondsDuringEmitsAndPolls() throws Exception {
        FaultDrill.runDrills(drill(), 3000, 8000);
    }
}
