package dev.cable.database;

import dev.cable.Presence;
import dev.cable.PresenceChanged;
import dev.cable.PresenceMember;
import dev.cable.PresencePage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The JPA work of the database presence driver. Every change locks the channel's row in
 * {@code cable_channels} first, so changes of one channel (and its emits) are serialised, each
 * membership difference is computed, and announced, exactly once, and the presence version in
 * {@code cable_presence_channels} follows the order of the changes. A change reads only the users
 * it touches (and those whose sessions expired), never the whole room: at 10,000 members a join
 * costs what it costs at ten.
 *
 * <p>The members a change decides with, the version and the count are read with locking reads, by
 * primary key (sessions with plain reads: a locking read may walk an index through other channels'
 * sessions and deadlock with their changes): a plain read under repeatable read (MariaDB's default, if
 * {@code cable.database.datasource} names an application's datasource so configured) sees the
 * snapshot of the transaction's first plain read, which may predate the lock.
 */
@ApplicationScoped
public class DatabasePresenceStore {

    /** Users per {@code IN (...)} list: far below every database's limit on bound parameters. */
    private static final int IN_LIST = 500;

    @Inject
    CablePersistence persistence;

    private EntityManager em() {
        return persistence.joined();
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public PresenceChanged touch(String channel, String userId, String sessionId, String info, Duration ttl) {
        return change(channel, userId, info, now -> {
            Instant expires = now.plus(ttl);
            PresenceSessionRow session = em().find(PresenceSessionRow.class,
                    new PresenceSessionRow.Key(channel, userId, sessionId));
            if (session == null) {
                em().persist(new PresenceSessionRow(channel, userId, sessionId, expires));
            } else {
                session.expiresAt(expires);
            }
            return List.of(userId);
        });
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public PresenceChanged leave(String channel, String userId, String sessionId, Duration grace) {
        return change(channel, null, null, now -> {
            Instant until = now.plus(grace);
            List<PresenceSessionRow> sessions = sessionId == null
                    ? em().createQuery("select s from PresenceSessionRow s where s.channel = :c and s.userId = :u",
                            PresenceSessionRow.class).setParameter("c", channel).setParameter("u", userId).getResultList()
                    : optional(em().find(PresenceSessionRow.class, new PresenceSessionRow.Key(channel, userId, sessionId)));
            for (PresenceSessionRow s : sessions) {
                if (!until.isAfter(now)) {
                    em().remove(s);
                } else if (s.expiresAt().isAfter(until)) {
                    s.expiresAt(until);
                }
            }
            return List.of(userId);
        });
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public PresenceChanged expire(String channel) {
        if (em().find(ChannelRow.class, channel, LockModeType.PESSIMISTIC_WRITE) == null) {
            // no row, no sessions: a list asked for a made-up channel must not create one
            return PresenceChanged.unchanged(channel, 0, 0, List.of());
        }
        return change(channel, null, null, now -> List.of());
    }

    /** A page of members, with count and version, read while the channel's row is locked. */
    @Transactional(Transactional.TxType.REQUIRED)
    public PresencePage members(String channel, String after, int limit) {
        if (em().find(ChannelRow.class, channel, LockModeType.PESSIMISTIC_WRITE) == null) {
            return new PresencePage(List.of(), 0, 0, null);
        }
        PresenceChannelRow state = state(channel);
        TypedQuery<PresenceRow> query = locking(em().createQuery("select p from PresenceRow p where p.channel = :c"
                + (after == null ? "" : " and p.userId > :after") + " order by p.userId", PresenceRow.class));
        query.setParameter("c", channel).setMaxResults(limit + 1);
        if (after != null) {
            query.setParameter("after", after);
        }
        List<PresenceMember> page = query.getResultList().stream()
                .map(p -> new PresenceMember(p.userId(), p.info())).toList();
        // one more than asked tells whether another page follows
        String next = page.size() > limit ? page.get(limit - 1).userId() : null;
        return new PresencePage(page.subList(0, Math.min(limit, page.size())),
                state == null ? 0 : state.members(), state == null ? 0 : state.version(), next);
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public List<String> channelsToSweep(int limit) {
        return em().createQuery("select distinct s.channel from PresenceSessionRow s where s.expiresAt <= :now",
                String.class).setParameter("now", Instant.now()).setMaxResults(limit).getResultList();
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public List<String> channelsOf(String userId) {
        return em().createQuery("select distinct s.channel from PresenceSessionRow s "
                        + "where s.userId = :u and s.expiresAt > :now order by s.channel", String.class)
                .setParameter("u", userId).setParameter("now", Instant.now()).getResultList();
    }

    /**
     * Locks the channel, drops expired sessions, applies the operation and turns the difference
     * between announced members and users with live sessions, among the users touched, into joins
     * and leaves; takes the next version if anything changed.
     *
     * @param joiner     the user the operation may make present, whose row gets {@code joinerInfo}
     * @param operation  changes sessions and returns the users whose membership it may have changed
     */
    private PresenceChanged change(String channel, String joiner, String joinerInfo,
                                   Function<Instant, List<String>> operation) {
        Instant now = Instant.now();
        if (em().find(ChannelRow.class, channel, LockModeType.PESSIMISTIC_WRITE) == null) {
            throw new IllegalStateException("channel row missing for " + channel);
        }
        // Expired sessions are found with a plain (non-locking) read and removed one by one by primary
        // key: a range DELETE on expires_at would take gap locks across all channels on MariaDB
        // (repeatable read) and deadlock with joins on other channels. The channel row lock above
        // keeps other changes of this channel out meanwhile.
        Set<String> touched = new TreeSet<>();
        // a plain read (see above: locking, it deadlocked in 25 of 100 seeded two-node rounds on MariaDB)
        for (PresenceSessionRow expired : em().createQuery("select s from PresenceSessionRow s "
                        + "where s.channel = :c and s.expiresAt <= :now", PresenceSessionRow.class)
                .setParameter("c", channel).setParameter("now", now).getResultList()) {
            touched.add(expired.userId());
            em().remove(expired);
        }
        // deleted before the operation runs: Hibernate flushes inserts before deletes, so a heartbeat
        // re-creating a session that had just expired inserted its key while the old row still stood
        em().flush();
        touched.addAll(operation.apply(now));
        em().flush();
        Set<String> live = new HashSet<>();
        Map<String, PresenceRow> announced = new HashMap<>();
        List<String> users = new ArrayList<>(touched);
        for (int from = 0; from < users.size(); from += IN_LIST) {
            List<String> chunk = users.subList(from, Math.min(users.size(), from + IN_LIST));
            em().createQuery("select s from PresenceSessionRow s "
                            + "where s.channel = :c and s.userId in :u and s.expiresAt > :now", PresenceSessionRow.class)
                    .setParameter("c", channel).setParameter("u", chunk).setParameter("now", now).getResultList()
                    .forEach(session -> live.add(session.userId()));
            locking(em().createQuery("select p from PresenceRow p where p.channel = :c and p.userId in :u", PresenceRow.class))
                    .setParameter("c", channel).setParameter("u", chunk).getResultList()
                    .forEach(p -> announced.put(p.userId(), p));
        }
        List<PresenceMember> joined = new ArrayList<>();
        List<String> left = new ArrayList<>();
        List<PresenceMember> updated = new ArrayList<>();
        for (String user : users) {
            PresenceRow member = announced.get(user);
            if (member == null && live.contains(user)) {
                PresenceRow row = new PresenceRow(channel, user, user.equals(joiner) ? joinerInfo : null, now);
                em().persist(row);
                joined.add(new PresenceMember(user, row.info()));
            } else if (member != null && !live.contains(user)) {
                em().remove(member);
                left.add(user);
            } else if (member != null && user.equals(joiner) && member.seen(now, joinerInfo)) {
                updated.add(new PresenceMember(user, member.info()));
            }
        }
        PresenceChannelRow state = state(channel);
        boolean changed = !(joined.isEmpty() && left.isEmpty() && updated.isEmpty());
        if (state == null && changed) {
            state = new PresenceChannelRow(channel, countBefore(channel, joined.size(), left.size()));
            em().persist(state);
        }
        long version = state == null ? 0 : state.version();
        if (changed) {
            version = state.advance(joined.size(), left.size());
        }
        em().flush();
        int count = state == null ? 0 : state.members();
        return new PresenceChanged(channel, joined, left, updated, count, version, listedIfSmall(channel, count));
    }

    private PresenceChannelRow state(String channel) {
        return em().find(PresenceChannelRow.class, channel, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * The members before this change, for a channel whose count is not kept yet: its first change, or
     * presence stored by a version without {@code cable_presence_channels} (read once, then kept).
     */
    private int countBefore(String channel, int joined, int left) {
        em().flush();
        int now = locking(em().createQuery("select p from PresenceRow p where p.channel = :c", PresenceRow.class))
                .setParameter("c", channel).getResultList().size();
        return now - joined + left;
    }

    private static <T> TypedQuery<T> locking(TypedQuery<T> query) {
        return query.setLockMode(LockModeType.PESSIMISTIC_WRITE);
    }

    /** Everyone, if the room is small enough to list in an update; else nothing (never read). */
    private List<PresenceMember> listedIfSmall(String channel, int count) {
        if (count > Presence.LISTED_MEMBERS) {
            return List.of();
        }
        return locking(em().createQuery("select p from PresenceRow p where p.channel = :c order by p.userId", PresenceRow.class))
                .setParameter("c", channel).getResultList().stream()
                .map(p -> new PresenceMember(p.userId(), p.info())).toList();
    }

    private static List<PresenceSessionRow> optional(PresenceSessionRow row) {
        return row == null ? List.of() : List.of(row);
    }
}
