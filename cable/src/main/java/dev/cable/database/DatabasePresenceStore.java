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
 * {@code cable_presence_versions} follows the order of the changes. A change reads only the users
 * it touches (and those whose sessions expired), never the whole room: at 10,000 members a join
 * costs what it costs at ten.
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
        if (em().find(ChannelRow.class, channel) == null) {
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
        TypedQuery<PresenceRow> query = em().createQuery("select p from PresenceRow p where p.channel = :c"
                + (after == null ? "" : " and p.userId > :after") + " order by p.userId", PresenceRow.class);
        query.setParameter("c", channel).setMaxResults(limit + 1);
        if (after != null) {
            query.setParameter("after", after);
        }
        List<PresenceMember> page = query.getResultList().stream()
                .map(p -> new PresenceMember(p.userId(), p.info())).toList();
        // one more than asked tells whether another page follows
        String next = page.size() > limit ? page.get(limit - 1).userId() : null;
        return new PresencePage(page.subList(0, Math.min(limit, page.size())), count(channel), version(channel), next);
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
        for (PresenceSessionRow expired : em().createQuery("select s from PresenceSessionRow s "
                        + "where s.channel = :c and s.expiresAt <= :now", PresenceSessionRow.class)
                .setParameter("c", channel).setParameter("now", now).getResultList()) {
            touched.add(expired.userId());
            em().remove(expired);
        }
        touched.addAll(operation.apply(now));
        em().flush();
        Set<String> live = new HashSet<>();
        Map<String, PresenceRow> announced = new HashMap<>();
        List<String> users = new ArrayList<>(touched);
        for (int from = 0; from < users.size(); from += IN_LIST) {
            List<String> chunk = users.subList(from, Math.min(users.size(), from + IN_LIST));
            live.addAll(em().createQuery("select distinct s.userId from PresenceSessionRow s "
                            + "where s.channel = :c and s.userId in :u and s.expiresAt > :now", String.class)
                    .setParameter("c", channel).setParameter("u", chunk).setParameter("now", now).getResultList());
            em().createQuery("select p from PresenceRow p where p.channel = :c and p.userId in :u", PresenceRow.class)
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
        PresenceVersionRow versionRow = em().find(PresenceVersionRow.class, channel);
        if (versionRow == null && !(joined.isEmpty() && left.isEmpty() && updated.isEmpty())) {
            versionRow = new PresenceVersionRow(channel);
            em().persist(versionRow);
        }
        long version = versionRow == null ? 0 : versionRow.version();
        if (!(joined.isEmpty() && left.isEmpty() && updated.isEmpty())) {
            version = versionRow.advance();
        }
        em().flush();
        int count = count(channel);
        return new PresenceChanged(channel, joined, left, updated, count, version, listedIfSmall(channel, count));
    }

    private int count(String channel) {
        return em().createQuery("select count(p) from PresenceRow p where p.channel = :c", Long.class)
                .setParameter("c", channel).getSingleResult().intValue();
    }

    private long version(String channel) {
        PresenceVersionRow row = em().find(PresenceVersionRow.class, channel);
        return row == null ? 0 : row.version();
    }

    /** Everyone, if the room is small enough to list in an update; else nothing (never read). */
    private List<PresenceMember> listedIfSmall(String channel, int count) {
        if (count > Presence.LISTED_MEMBERS) {
            return List.of();
        }
        return em().createQuery("select p from PresenceRow p where p.channel = :c order by p.userId", PresenceRow.class)
                .setParameter("c", channel).getResultList().stream()
                .map(p -> new PresenceMember(p.userId(), p.info())).toList();
    }

    private static List<PresenceSessionRow> optional(PresenceSessionRow row) {
        return row == null ? List.of() : List.of(row);
    }
}
