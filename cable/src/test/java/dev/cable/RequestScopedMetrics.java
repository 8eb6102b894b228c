package dev.cable;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/** A request-scoped bean holding a batcher, as an application's metrics endpoint would. */
@RequestScoped
public class RequestScopedMetrics {

    @Inject
    MessageBatcher batcher;

    public void record(String channel, int events) {
        batcher.channel(channel);
        for (int i = 0; i < events; i++) {
            batcher.add("metric", i);
        }
    }

    public int pending() {
        return batcher.pending();
    }
}
