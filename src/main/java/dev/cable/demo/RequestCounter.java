package dev.cable.demo;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.concurrent.atomic.LongAdder;

/** Counts requests to Cable's endpoints, for the dashboard demo. */
@Provider
public class RequestCounter implements ContainerRequestFilter {

    private static final LongAdder REQUESTS = new LongAdder();

    @Override
    public void filter(ContainerRequestContext request) {
        REQUESTS.increment();
    }

    static long total() {
        return REQUESTS.sum();
    }
}
