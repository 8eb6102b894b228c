package dev.cable.database;

import dev.cable.ChannelState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import org.hibernate.Session;

/**
 * Creates a channel's sequence row, if it is missing, in the caller's transaction with one statement
 * that never fails for a row a concurrent creator made: {@code ON CONFLICT DO NOTHING} on PostgreSQL
 * (a failed statement there aborts the whole transaction), {@code ON DUPLICATE KEY UPDATE} on
 * MariaDB/MySQL (which takes the row's exclusive lock at once: a failed plain INSERT would keep a
 * shared one, and two such creators would deadlock on the lock that follows), and elsewhere a plain
 * INSERT whose duplicate-key error is ignored (H2 keeps the transaction).
 *
 * <p>It used to run in a transaction of its own ({@code REQUIRES_NEW}). Inside a caller's
 * transaction, after that nested transaction Payara did not always enlist the caller's connection:
 * the first change of a channel on a node then ran without its transaction, its lock ended with
 * its SELECT, and its presence update landed behind later ones (TwoNodesIT's presence rounds: 2 of
 * 100 on H2 and 3 of 100 on PostgreSQL, all at a channel's first versions; 0 with the channel made
 * beforehand).
 */
@ApplicationScoped
public class ChannelRowCreator {

    @Inject
    CablePersistence persistence;

    /** Inserts the row if it is missing; an existing row (or one a concurrent creator made) is left as it is. */
    @Transactional(Transactional.TxType.REQUIRED)
    public void createIfMissing(String channel, String product) {
        Instant now = Instant.now();
        String name = product.toLowerCase(Locale.ROOT);
        boolean postgres = name.contains("postgres");
        boolean mysql = name.contains("mariadb") || name.contains("mysql");
        String insert = "INSERT INTO cable_channels (channel, base_id, last_id, updated_at) VALUES (?, ?, ?, ?)"
                + (postgres ? " ON CONFLICT (channel) DO NOTHING" : mysql ? " ON DUPLICATE KEY UPDATE channel = channel" : "");
        persistence.joined().unwrap(Session.class).doWork(connection -> insert(connection, insert, channel, now,
                mysql ? LocalDateTime.ofInstant(now, ZoneOffset.UTC) : now.atOffset(ZoneOffset.UTC), !postgres && !mysql));
    }

    private static void insert(Connection connection, String sql, String channel, Instant now, Object updatedAt,
                               boolean duplicateMayFail) throws SQLException {
        long base = ChannelState.freshBase(now.toEpochMilli());
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, channel);
            statement.setLong(2, base);
            statement.setLong(3, base);
            statement.setObject(4, updatedAt);
            statement.executeUpdate();
        } catch (SQLException e) {
            // SQLState class 23: integrity constraint violation (the row exists)
            if (!duplicateMayFail || e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                throw e;
            }
        }
    }
}
