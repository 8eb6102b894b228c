package dev.cable;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the {@link PresenceChanged} CDI events the application would observe. */
@ApplicationScoped
public class PresenceEventRecorder {

    private final List<PresenceChanged> seen = new CopyOnWriteArrayList<>();

    void record(@Observes PresenceChanged change) {
        seen.add(change);
    }

    public List<PresenceChanged> on(String channel) {
        return seen.stream().filter(c -> c.channel().equals(channel)).toList();
    }
}
