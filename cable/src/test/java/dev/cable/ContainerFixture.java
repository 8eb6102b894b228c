package dev.cable;

import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.event.Event;
import jakarta.transaction.UserTransaction;
import java.util.List;

/** What the in-container contract suites need from the test class that runs them. */
public interface ContainerFixture {

    Cable cable();

    Presence presence();

    UserTransaction transaction();

    Event<CableBroadcast> broadcasts();

    PresenceEventRecorder presenceEvents();

    RequestContextController requestContext();

    RequestScopedMetrics requestScopedMetrics();

    /** A channel name no other test uses. */
    default String freshChannel(String name) {
        return "suite:" + name + ":" + java.util.UUID.randomUUID();
    }

    /** Every event stored on a channel so far, oldest first. */
    default List<CableMessage> allEvents(String channel) {
        List<CableMessage> all = new java.util.ArrayList<>();
        MessagePage page = cable().getMessages(channel, 0L);
        all.addAll(page.messages());
        while (page.more()) {
            page = cable().getMessages(channel, page.lastId());
            all.addAll(page.messages());
        }
        return all;
    }
}
