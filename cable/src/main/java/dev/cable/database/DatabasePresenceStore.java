package dev.cable.database;

import dev.cable.PresenceChanged;
import dev.cable.PresenceMember;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The JPA work of the database presence driver. Every change locks the channel's row in
 * {@code cable_channels} first, so changes of one channel (and its emits) are serialised and each
 * membership difference is computed, and announced, exactly once.
 */
@ApplicationScoped
public class DatabasePresenceStore {

    @Inject
    CablePersistence persistence;

    private EntityManager em() {
        return persistence.joined();
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public PresenceChanged touch(String channel, String userId, String sessionId, String info, Duration ttl) {
        boolean[] infoChanged = new boolean[1];
        PresenceChanged change = change(channel, userId, info, now -> {
            Instant expires = now.plus(ttl);
            PresenceSessionRow session = em().find(PresenceSessionRow.class,
                    new PresenceSessionRow.Key(channel, userId, sessionId));
            if (session == null) {
                em().persist(new PresenceSessionRow(channel, userId, sessionId, expires));
            } else {
                session.expiresAt(expires);
            }
            PresenceRow member = em().find(PresenceRow.class, new PresenceRow.Key(channel, userId));
            if (member != null) {
                infoChanged[0] = member.seen(now, info);
            }
        });
        return infoChanged[0] && !change.changed()
                ? new PresenceChanged(channel, change.joined(), change.left(), change.users(), true) : change;
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
        });
    }

    @Transactional(Transactional.TxType.REQUIRED)
    public PresenceChanged expire(String channel) {
        if (em().find(ChannelRow.class, channel) == null) {
            // no row, no sessions: a list asked for a made-up channel must not create one
            return new PresenceChanged(channel, List.of(), List.of(), List.of());
        }
        return change(channel, null, null, now -> {
        });
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
     * between announced members and users with live sessions into joins and leaves.
     *
     * @param joiner     the user the operation may make present, whose row gets {@code joinerInfo}
     */
    private PresenceChanged change(String channel, String joiner, String joinerInfo, Consumer<Instant> operation) {
        Instant now = Instant.now();
        if (em().find(ChannelRow.class, channel, LockModeType.PESSIMISTIC_WRITE) == null) {
            throw new IllegalStateException("channel row missing for " + channel);
        }
        // Expired sessions are found with a plain (non-locking) read and removed one by one by primary
        // key: a range DELETE on expires_at would take gap locks across all channels on MariaDB
        // (repeatable read) and deadlock with joins on other channels. The channel row lock above
        // keeps other changes of this channel out meanwhile.
        for (PresenceSessionRow expired : em().createQuery("select s from PresenceSessionRow s "
                        + "where s.channel = :c and s.expiresAt <= :now", PresenceSessionRow.class)
                .setParameter("c", channel).setParameter("now", now).getResultList()) {
            em().remove(expired);
        }
        operation.accept(now);
        em().flush();
        Set<String> live = new HashSet<>(em().createQuery("select distinct s.userId from PresenceSessionRow s "
                        + "where s.channel = :c and s.expiresAt > :now", String.class)
                .setParameter("c", channel).setParameter("now", now).getResultList());
        List<PresenceRow> before = em().createQuery("select p from PresenceRow p where p.channel = :c", PresenceRow.class)
                .setParameter("c", channel).getResultList();
        List<String> left = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (PresenceRow member : before) {
            known.add(member.userId());
            if (!live.contains(member.userId())) {
                left.add(member.userId());
                em().remove(member);
            }
        }
        List<PresenceMember> joined = new ArrayList<>();
        for (String user : live) {
            if (!known.contains(user)) {
                PresenceRow row = new PresenceRow(channel, user, user.equals(joiner) ? joinerInfo : null, now);
                em().persist(row);
                joined.add(new PresenceMember(user, row.info()));
            }
        }
        em().flush();
        List<PresenceMember> users = em().createQuery("select p from PresenceRow p where p.channel = :c "
                        + "order by p.userId", PresenceRow.class)
                .setParameter("c", channel).getResultList().stream()
                .map(p -> new PresenceMember(p.userId(), p.info())).toList();
        return new PresenceChanged(channel, joined, left, users);
    }

    private static List<PresenceSessionRow> optional(PresenceSessionRow row) {
        return row == null ? List.of() : List.of(row);
    }
}
