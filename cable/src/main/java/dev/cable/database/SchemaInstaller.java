package dev.cable.database;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Creates Cable's tables with the DDL shipped in {@code db/<database>.sql} (idempotent: every
 * statement is {@code IF NOT EXISTS}). Runs on the first use of the database driver, and again after a
 * failure, so a database that is down at start-up does not need a restart.
 */
@ApplicationScoped
public class SchemaInstaller {

    private static final Logger LOG = Logger.getLogger(SchemaInstaller.class.getName());

    @Inject
    CablePersistence persistence;

    private static final String MARIADB_NO_PAD = "utf8mb4_nopad_bin";
    private static final String MYSQL_NO_PAD = "utf8mb4_0900_bin";

    private volatile String product;

    /** Installs the schema once; cheap afterwards. Returns the database product name. */
    public String ensureInstalled(boolean createSchema) {
        String known = product;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (product == null) {
                product = install(createSchema);
            }
            return product;
        }
    }

    private String install(boolean createSchema) {
        try (Connection connection = persistence.dataSource().getConnection()) {
            String name = connection.getMetaData().getDatabaseProductName();
            if (!createSchema) {
                return name;
            }
            String script = scriptFor(name);
            boolean mysql = name.toLowerCase(Locale.ROOT).contains("mysql");
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements(script)) {
                    statement.execute(mysql ? sql.replace(MARIADB_NO_PAD, MYSQL_NO_PAD) : sql);
                }
                if (script.equals("db/mariadb.sql")) {
                    convertPaddedTables(statement, mysql ? MYSQL_NO_PAD : MARIADB_NO_PAD);
                }
            }
            LOG.info(() -> "Cable schema ready on " + name + " (" + script + ")");
            return name;
        } catch (SQLException e) {
            throw new IllegalStateException("could not create Cable's tables: " + e.getMessage(), e);
        }
    }

    /**
     * Tables made by earlier versions with {@code utf8mb4_bin}, a PAD SPACE collation that took
     * {@code 'admin '} for {@code 'admin'}, are converted to the NO PAD one. Only those: converting
     * rebuilds a table. Their primary keys already hold no two names equal under padding, so
     * nothing collides on the way.
     */
    private static void convertPaddedTables(Statement statement, String noPad) throws SQLException {
        List<String> padded = new java.util.ArrayList<>();
        try (java.sql.ResultSet tables = statement.executeQuery("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = DATABASE() AND table_name LIKE 'cable\\_%' AND table_collation = 'utf8mb4_bin'")) {
            while (tables.next()) {
                padded.add(tables.getString(1));
            }
        }
        for (String table : padded) {
            statement.execute("ALTER TABLE " + table + " CONVERT TO CHARACTER SET utf8mb4 COLLATE " + noPad);
            LOG.info(() -> "Cable converted " + table + " to " + noPad + " (names no longer equal with trailing spaces)");
        }
    }

    static String scriptFor(String productName) {
        String p = productName.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return "db/postgresql.sql";
        }
        if (p.contains("mariadb") || p.contains("mysql")) {
            return "db/mariadb.sql";
        }
        if (p.contains("h2")) {
            return "db/h2.sql";
        }
        throw new IllegalStateException("Cable ships DDL for H2, MariaDB/MySQL and PostgreSQL, not for "
                + productName + ": create the tables yourself and set cable.database.create-schema=false");
    }

    static List<String> statements(String resource) {
        try (InputStream in = SchemaInstaller.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.stream(text.replaceAll("(?m)^--.*$", "").split(";"))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
