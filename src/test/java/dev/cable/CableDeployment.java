package dev.cable;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.ArchivePaths;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The one deployment builder of every IT: the WAR Maven just built, with configuration overrides
 * appended to its microprofile-config.properties (so each IT picks its backend) and the given test
 * classes added.
 */
public final class CableDeployment {

    private static final ArchivePath CONFIG =
            ArchivePaths.create("WEB-INF/classes/META-INF/microprofile-config.properties");

    private CableDeployment() {
    }

    public static WebArchive war(Map<String, String> overrides, Class<?>... classes) {
        File file = new File(System.getProperty("cable.it.war", "target/cable.war"));
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class, file);
        StringBuilder config = new StringBuilder(read(war));
        config.append("\n# overrides of the test deployment\n");
        overrides.forEach((key, value) -> config.append(key).append('=').append(value).append('\n'));
        war.delete(CONFIG);
        war.add(new StringAsset(config.toString()), CONFIG);
        war.addClasses(classes);
        return war;
    }

    /** Short presence timings, so expiry tests take seconds (100 joins on H2 take about 2 s). */
    private static Map<String, String> common() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("cable.presence.timeout", "PT6S");
        config.put("cable.presence.grace", "PT1S");
        config.put("cable.presence.sweep-interval", "PT1S");
        config.put("cable.rate-limit.per-second", "0"); // tests poll hard from one address
        return config;
    }

    /** Configuration for the database driver on MariaDB, PostgreSQL or H2. */
    public static Map<String, String> database(String kind) {
        Map<String, String> config = common();
        config.put("cable.driver", "database");
        switch (kind) {
            case "mariadb" -> {
                config.put("cable.datasource.class", "org.mariadb.jdbc.MariaDbDataSource");
                config.put("cable.datasource.url", System.getProperty("cable.it.mariadb.url",
                        "jdbc:mariadb://127.0.0.1:3306/test") + "?user=root");
            }
            case "postgresql" -> {
                config.put("cable.datasource.class", "org.postgresql.ds.PGSimpleDataSource");
                config.put("cable.datasource.url", System.getProperty("cable.it.postgresql.url",
                        "jdbc:postgresql://127.0.0.1:5432/test") + "?user=postgres");
            }
            case "h2" -> {
                // the shipped defaults
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return config;
    }

    /** Configuration for the Redis driver with a key prefix of its own. */
    public static Map<String, String> redis(String prefix) {
        Map<String, String> config = common();
        config.put("cable.driver", "redis");
        config.put("cable.redis.uri", System.getProperty("cable.it.redis.uri", "redis://127.0.0.1:6379"));
        config.put("cable.redis.prefix", prefix);
        return config;
    }

    private static String read(WebArchive war) {
        try (InputStream in = war.get(CONFIG).getAsset().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
