package dev.cable.database;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;

/**
 * Declares Cable's own datasource, which the database driver uses unless
 * {@code cable.database.datasource} names another (the application's, to share its transactions
 * without XA: docs/install.md). Pools are created on first use, so it costs nothing when unused.
 * Class and URL come from MicroProfile Config
 * ({@code cable.datasource.class}, {@code cable.datasource.url}; the defaults give an in-memory H2
 * inside Payara Micro), so switching to MariaDB or PostgreSQL is a matter of environment variables.
 * Credentials go in the URL ({@code ?user=..&password=..}): Payara passes an unset or empty
 * {@code ${MPCONFIG=...}} attribute on literally, which breaks a password-less login.
 *
 * <p>Read committed on every database (PostgreSQL's and H2's default; MariaDB's is repeatable
 * read): the id design needs only row locks, and repeatable read's gap locks made two idempotent
 * emits on different channels deadlock on MariaDB (a locking read of an absent
 * {@code cable_idempotency} key locks the gap beside it), which a client saw as a 503.
 */
@DataSourceDefinition(
        name = CableDataSource.JNDI_NAME,
        className = "${MPCONFIG=cable.datasource.class}",
        url = "${MPCONFIG=cable.datasource.url}",
        isolationLevel = Connection.TRANSACTION_READ_COMMITTED,
        minPoolSize = 2,
        maxPoolSize = 32)
@ApplicationScoped
public class CableDataSource {

    /** The default of {@code cable.database.datasource}. */
    public static final String JNDI_NAME = "java:app/jdbc/cable";
}
