package dev.cable.database;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Declares the datasource the database driver uses. Class, URL, user and password come from
 * MicroProfile Config ({@code cable.datasource.*}; the defaults give an in-memory H2 inside Payara
 * Micro), so switching to MariaDB or PostgreSQL is a matter of environment variables.
 */
@DataSourceDefinition(
        name = CableDataSource.JNDI_NAME,
        className = "${MPCONFIG=cable.datasource.class}",
        url = "${MPCONFIG=cable.datasource.url}",
        user = "${MPCONFIG=cable.datasource.user}",
        password = "${MPCONFIG=cable.datasource.password}",
        minPoolSize = 2,
        maxPoolSize = 32)
@ApplicationScoped
public class CableDataSource {

    /** Where persistence.xml and the schema installer find the datasource. */
    public static final String JNDI_NAME = "java:app/jdbc/cable";
}
