package dev.cable.database;

import dev.cable.CableMessage;
import dev.cable.ChannelState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The JPA work of the database driver. Writes run in the caller's transaction when there is one
 * (else in their own). Reads join the caller's transaction when there is one (so it sees its own
 * uncommitted emits), and otherwise run without one, through an EntityManager of their own: a JTA
 * transaction around a single SELECT costs three more round trips (XA START, END, COMMIT with an
 * XA datasource), which made a poll behind the head cost eight statements instead of two.
 */
@ApplicationScoped
public class DatabaseMessageStore {

    @Inject
    CablePersistence persistence;

    private <T> T reading(Function<EntityManager, T> query) {
        return persistence.reading(query);
    }

    /**
     * As {@link #append(String, String, String)}, unless the idempotency key was used on the channel:
     * then the earlier message. The channel row is locked first, so two emits with one key serialise
     * and the second sees the first's key (read with a locking read, which sees the latest commit
     * even under MariaDB's repeatable read).
     *
     * @return the message (new or earlier), or {@code null} if the channel row does not exist
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public CableMessage append(String channel, String event, String payload, String idempotencyKey) {
        if (idempotencyKey == null) {
            return append(channel, event, payload);
        }
        EntityManager em = persistence.joined();
        if (em.find(ChannelRow.class, channel, LockModeType.PESSIMISTIC_WRITE) == null) {
            return null;
        }
        IdempotencyRow used = em.find(IdempotencyRow.class, new IdempotencyRow.Key(channel, idempotencyKey),
                LockModeType.PESSIMISTIC_WRITE);
        if (used != null) {
            MessageRow earlier = em.find(MessageRow.class, new MessageRow.Key(channel, used.messageId()));
            return earlier != null ? earlier.toMessage()
                    : new CableMessage(used.messageId(), channel, event, payload, used.createdAt());
        }
        CableMessage stored = append(channel, event, payload);
        em.persist(new IdempotencyRow(channel, idempotencyKey, stored.id(), stored.createdAt()));
        em.flush();
        return stored;
    }

    /**
     * Takes the channel's next id and stores the message. The UPDATE locks the channel row until the
     * transaction ends, so the next emitter of this channel waits and ids become visible in order.
     *
     * @return the message, or {@code null} if the channel row does not exist
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public CableMessage append(String channel, String event, String payload) {
        EntityManager em = persistence.joined();
        Instant now = Instant.now();
        int updated = em.createQuery("update ChannelRow c set c.lastId = c.lastId + 1, c.updatedAt = :now "
                        + "where c.channel = :channel")
                .setParameter("now", now)
                .setParameter("channel", channel)
                .executeUpdate();
        if (updated == 0) {
            return null;
        }
        long id = em.createQuery("select c.lastId from ChannelRow c where c.channel = :channel", Long.class)
                .setParameter("channel", channel)
                .getSingleResult();
        MessageRow row = new MessageRow(channel, id, event, payload, now);
        em.persist(row);
        em.flush();
        return row.toMessage();
    }

    public ChannelState state(String channel) {
        List<Object[]> rows = reading(reader -> reader.createQuery(
                        "select c.baseId, c.lastId from ChannelRow c where c.channel = :channel", Object[].class)
                .setParameter("channel", channel)
                .getResultList());
        if (rows.isEmpty()) {
            return ChannelState.UNKNOWN;
        }
        return new ChannelState((Long) rows.get(0)[0], (Long) rows.get(0)[1]);
    }

    /** The last ids of the given channels that have rows, in one query. */
    public List<Object[]> heads(Collection<String> channels) {
        return reading(reader -> reader.createQuery("select c.channel, c.lastId from ChannelRow c where c.channel in :channels",
                        Object[].class)
                .setParameter("channels", channels)
                .getResultList());
    }

    public List<CableMessage> read(String channel, long afterId, long upToId, int limit) {
        return reading(reader -> reader.createQuery("select m from MessageRow m where m.channel = :channel "
                        + "and m.id > :after and m.id <= :upTo order by m.id", MessageRow.class)
                .setParameter("channel", channel)
                .setParameter("after", afterId)
                .setParameter("upTo", upToId)
                .setMaxResults(limit)
                .getResultList()
                .stream()
                .map(MessageRow::toMessage)
                .toList());
    }

    /** Deletes messages created before {@code cutoff}; concurrent runs on several nodes just find less. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int deleteOlderThan(Instant cutoff) {
        EntityManager em = persistence.joined();
        em.createQuery("delete from IdempotencyRow k where k.createdAt < :cutoff")
                .setParameter("cutoff", cutoff)
                .executeUpdate();
        return em.createQuery("delete from MessageRow m where m.createdAt < :cutoff")
                .setParameter("cutoff", cutoff)
                .executeUpdate();
    }

    public void ping() {
        reading(reader -> reader.createNativeQuery("select 1").getSingleResult());
    }
}
