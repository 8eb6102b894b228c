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
 * The one deployment builder of every IT. {@link #war} is an application made of the library as
 * packaged: the jar Maven just built and its run-time dependencies in {@code WEB-INF/lib}, as an
 * application's build puts them, plus the test's classes and a microprofile-config.properties of its
 * own (the application's file, which outranks the library's defaults). {@link #application} takes
 * an application WAR that a module built (the demo) and adds the same overrides.
 */
public final class CableDeployment {

    private static final ArchivePath CONFIG =
            ArchivePaths.create("WEB-INF/classes/META-INF/microprofile-config.properties");

    private static final String BEANS = "<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"4.0\" "
            + "bean-discovery-mode=\"annotated\"/>";

    private CableDeployment() {
    }

    /** An application of the library as packaged, the given classes and these configuration values. */
    public static WebArchive war(Map<String, String> overrides, Class<?>... classes) {
        File jar = new File(System.getProperty("cable.it.jar", "target/cable-0.1.0-SNAPSHOT.jar"));
        File[] libs = new File(System.getProperty("cable.it.libs", "target/it-libs")).listFiles((d, n) -> n.endsWith(".jar"));
        if (!jar.isFile() || libs == null) {
            throw new IllegalStateException("run the ITs through Maven (mvn verify): they deploy " + jar
                    + " and its dependencies, which the package phase makes");
        }
        WebArchive war = ShrinkWrap.create(WebArchive.class, "cable.war")
                .addAsLibrary(jar)
                .addAsLibraries(libs)
                .addAsWebInfResource(new StringAsset(BEANS), "beans.xml");
        return configured(war, "", overrides, classes);
    }

    /** An application WAR a module built ({@code cable.it.war}), with these configuration values added. */
    public static WebArchive application(Map<String, String> overrides, Class<?>... classes) {
        File file = new File(System.getProperty("cable.it.war"));
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class, file);
        String own = war.contains(CONFIG) ? read(war) : "";
        war.delete(CONFIG);
        return configured(war, own, overrides, classes);
    }

    private static WebArchive configured(WebArchive war, String own, Map<String, String> overrides, Class<?>... classes) {
        StringBuilder config = new StringBuilder(own);
        config.append("\n# overrides of the test deployment\n");
        overrides.forEach((key, value) -> config.append(key).append('=').append(value).append('\n'));
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

    /**
     * The driver timeouts docs/install.md recommends: without them a call into a partitioned
     * database (no reset, no answer) waits forever, and so do readiness and every request behind it.
     * MariaDB counts milliseconds, PostgreSQL seconds.
     */
    public static final String MARIADB_TIMEOUTS = "&connectTimeout=3000&socketTimeout=5000";
    public static final String POSTGRESQL_TIMEOUTS = "&connectTimeout=3&socketTimeout=5";

    /** Configuration for the database driver on MariaDB, PostgreSQL or H2. */
    public static Map<String, String> database(String kind) {
        Map<String, String> config = common();
        config.put("cable.driver", "database");
        switch (kind) {
            case "mariadb" -> {
                config.put("cable.datasource.class", "org.mariadb.jdbc.MariaDbDataSource");
                config.put("cable.datasource.url", System.getProperty("cable.it.mariadb.url",
                        "jdbc:mariadb://127.0.0.1:3306/test") + "?user=root" + MARIADB_TIMEOUTS);
            }
            case "postgresql" -> {
                config.put("cable.datasource.class", "org.postgresql.ds.PGSimpleDataSource");
                config.put("cable.datasource.url", System.getProperty("cable.it.postgresql.url",
                        "jdbc:postgresql://127.0.0.1:5432/test") + "?user=postgres" + POSTGRESQL_TIMEOUTS);
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
