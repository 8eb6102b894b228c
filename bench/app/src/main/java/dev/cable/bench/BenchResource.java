package dev.cable.bench;

import jakarta.json.spi.JsonProvider;
import dev.cable.Cable;
import dev.cable.MessageBatcher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Endpoints the benchmark harness (bench/) needs: a constant JSON baseline, server-side emit loops
 * and a store filler, in the benchmark application's own JAX-RS application ({@link BenchApplication}).
 */
@Path("")
@ApplicationScoped
public class BenchResource {

    /** Looked up once: {@code Json.create...} searches the class path for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final String BASELINE = "{\"channels\":{}}";

    @Inject
    Cable cable;

    /** The baseline: the cheapest JSON answer this server can give, for same-run ratios. */
    @GET
    @Path("baseline")
    @Produces(MediaType.APPLICATION_JSON)
    public Response baseline() {
        return Response.ok(BASELINE).build();
    }

    /** The baseline for POST, the shape of a poll (the body is read and ignored). */
    @POST
    @Path("baseline")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response baselinePost(InputStream body) throws java.io.IOException {
        body.readAllBytes();
        return Response.ok(BASELINE).build();
    }

    /**
     * The POST baseline answered the way the poll endpoint answers every poll: suspended
     * ({@code @Suspended AsyncResponse}, which long polling needs) and resumed at once. Its ratio
     * to the plain baseline is the ceiling an empty poll can reach on this runtime.
     */
    @POST
    @Path("baseline-async")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public void baselineAsync(InputStream body, @Suspended AsyncResponse response) throws java.io.IOException {
        body.readAllBytes();
        response.resume(Response.ok(BASELINE).build());
    }

    /**
     * Emits {@code count} events spread over {@code threads} threads on {@code channels} channels
     * ({@code prefix:0..n-1}), one emit each, or through MessageBatchers of {@code batch} events.
     * Answers {@code {events, millis, perSecond}}.
     */
    @POST
    @Path("emit")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response emit(InputStream body) throws InterruptedException {
        JsonObject request = JSON.createReader(body).readObject();
        String prefix = request.getString("prefix", "bench");
        int threads = request.getInt("threads", 8);
        int channels = request.getInt("channels", 1);
        long count = request.getJsonNumber("count") == null ? 10_000 : request.getJsonNumber("count").longValue();
        int batch = request.getInt("batch", 0);
        AtomicLong next = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long started = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                if (batch > 0) {
                    MessageBatcher batcher = null;
                    String current = null;
                    for (long n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
                        String channel = prefix + ":" + (n % channels);
                        if (batcher == null || !channel.equals(current)) {
                            if (batcher != null) {
                                batcher.close();
                            }
                            batcher = cable.batcher(channel).batchSize(batch);
                            current = channel;
                        }
                        batcher.add("tick", Map.of("n", n));
                    }
                    if (batcher != null) {
                        batcher.close();
                    }
                } else {
                    for (long n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
                        cable.to(prefix + ":" + (n % channels)).emit("tick", Map.of("n", n));
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        return Response.ok(JSON.createObjectBuilder().add("events", count).add("millis", millis)
                .add("perSecond", count * 1000.0 / millis).build().toString()).build();
    }
}
