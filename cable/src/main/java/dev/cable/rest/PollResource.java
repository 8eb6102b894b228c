package dev.cable.rest;

import jakarta.json.spi.JsonProvider;
import dev.cable.Cable;
import dev.cable.CableException;
import dev.cable.CableMessage;
import dev.cable.CableNames;
import dev.cable.CableUnavailableException;
import dev.cable.MessagePage;
import dev.cable.internal.CableMetrics;
import dev.cable.internal.ChannelAccess;
import dev.cable.internal.ChannelHeads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /cable/poll}: one request for many channels, each with the last id the client saw
 * (docs/protocol.md). Cursors at this node's known heads are answered from memory; with
 * {@code "wait": seconds} a poll that finds nothing is parked (no thread held) until one of its
 * channels moves or the wait ends. A poll with a {@code null} ("from now") cursor is never parked: its
 * answer is that channel's position, which the client needs before any event can be its first.
 *
 * <p>{@code GET /cable/poll?channel=..&after=..} is the cacheable form for one channel that
 * {@code cable.public-channels} opens to everyone: the answer carries an {@code ETag} and a short
 * {@code Cache-Control}, so a CDN or reverse proxy can answer thousands of identical polls with one.
 */
@CableEndpoint
@Path("poll")
@ApplicationScoped
public class PollResource {

    /** Looked up once: {@code Json.create...} searches the class path for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    Cable cable;

    @Inject
    ChannelHeads heads;

    @Resource
    ManagedExecutorService executor;

    @Inject
    @ConfigProperty(name = "cable.poll.max-channels")
    int maxChannels;

    @Inject
    @ConfigProperty(name = "cable.poll.max-wait")
    Duration maxWait;

    static final String NOT_ALLOWED = "channel '%s' is private: it needs a channel token for it or the "
            + "application's consent (ChannelAuthorizer)";

    @Inject
    ChannelAccess access;

    @Inject
    CallerIdentity identity;

    @Inject
    @ConfigProperty(name = "cable.poll.max-waiting")
    int maxWaiting;

    @Inject
    @ConfigProperty(name = "cable.poll.max-answer-bytes")
    long maxAnswerBytes;

    /** One address (a client, or a crowd behind NAT) may not take every long-poll slot of a node. */
    @Inject
    @ConfigProperty(name = "cable.poll.max-waiting-per-address")
    int maxWaitingPerAddress;

    @Inject
    ClientAddresses addresses;

    @Inject
    HttpServletRequest servletRequest;

    /** Parked long polls per client address. */
    private final AddressSlots waitingByAddress = new AddressSlots();

    @Inject
    CableMetrics metrics;

    @Inject
    @ConfigProperty(name = "cable.poll.public-max-age")
    Duration publicMaxAge;

    private final AtomicInteger waiting = new AtomicInteger();

    /** 100 ms: long enough for a burst of wake-ups, short enough that a trim shows at once. */
    private final SharedReads sharedReads = new SharedReads(TimeUnit.MILLISECONDS.toNanos(100));

    @PostConstruct
    void registerGauges() {
        metrics.waitingPolls(waiting::get);
        metrics.trackedChannels(heads::trackedChannels);
    }

    /** A parsed poll request. */
    /**
     * A poll's cursors for the channels it may read, the channels it may not (each with its own
     * error: one refused channel never fails the others), and how long it may wait.
     */
    record Request(Map<String, Long> cursors, Map<String, ChannelError> refused, long waitMillis) {

        Request(Map<String, Long> cursors, long waitMillis) {
            this(cursors, Map.of(), waitMillis);
        }
    }

    /** Why one channel of a poll is not answered: 400 (invalid name) or 403 (private, not allowed). */
    record ChannelError(int status, String message) {

        RuntimeException whole() {
            return status == 403 ? Refusal.forbidden(message) : new CableException(message);
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public void poll(InputStream body, @Suspended AsyncResponse response) {
        long started = System.nanoTime();
        try {
            Request request = parse(JsonBodies.readObject(body));
            Answer answer = answer(request.cursors(), request.refused());
            String address;
            if (answer.empty() && request.waitMillis() > 0 && !request.cursors().containsValue(null)
                    && waiting.get() < maxWaiting && heads.canTrack(request.cursors().keySet())
                    && waitingByAddress.claim(address = addresses.of(servletRequest), maxWaitingPerAddress)) {
                park(request, response, System.currentTimeMillis() + request.waitMillis(), address);
            } else {
                metrics.polled(Duration.ofNanos(System.nanoTime() - started), answer.empty());
                response.resume(answer.json());
            }
        } catch (RuntimeException e) {
            response.resume(e);
        }
    }

    /**
     * The cacheable poll of one public channel. Its answer depends only on the URL and on the
     * channel's head, so the head (with the page's flags) is the entity tag: a client or cache that
     * sends {@code If-None-Match} with the tag of an at-head answer gets 304 from this node's memory,
     * without a backend round trip. A cached answer may be stale by {@code max-age}: an event
     * arrives that much later, never lost, because the cursor a stale answer gives is never ahead.
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response pollPublic(@QueryParam("channel") String channel, @QueryParam("after") String after,
                               @HeaderParam("If-None-Match") String ifNoneMatch) {
        long started = System.nanoTime();
        if (channel == null || channel.isEmpty()) {
            throw new CableException("GET /cable/poll needs ?channel=<a public channel>&after=<the last id seen>; "
                    + "to poll several or private channels use POST /cable/poll");
        }
        CableNames.requireChannel(channel);
        if (!access.isCacheable(channel)) {
            throw Refusal.forbidden("channel '" + channel + "' is not public (cable.public-channels): "
                    + "poll it with POST /cable/poll");
        }
        Long cursor = after == null ? null : JsonBodies.cursor(channel, publicCursor(after));
        SharedReads.Rendered rendered = page(channel, cursor);
        MessagePage page = rendered.page();
        EntityTag tag = new EntityTag(page.lastId() + (page.more() ? "m" : "") + (page.reset() ? "r" : ""), true);
        CacheControl cache = new CacheControl();
        cache.setMaxAge((int) publicMaxAge.toSeconds());
        cache.setPrivate(false);
        cache.setNoTransform(false);
        // said outright: some shared caches store an answer to a request with cookies only when it is
        cache.getCacheExtension().put("public", null);
        boolean empty = page.isEmpty() && !page.reset() && !page.more();
        metrics.polled(Duration.ofNanos(System.nanoTime() - started), empty);
        if (ifNoneMatch != null && matches(ifNoneMatch, tag)) {
            return Response.notModified(tag).cacheControl(cache).build();
        }
        String body = JSON.createObjectBuilder()
                .add("channels", JSON.createObjectBuilder().add(channel, rendered.json())).build().toString();
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).tag(tag).cacheControl(cache).build();
    }

    /** {@code after} as the JSON value the POST form would carry, so both forms refuse the same cursors. */
    private static JsonValue publicCursor(String after) {
        try {
            return JSON.createValue(new java.math.BigDecimal(after));
        } catch (NumberFormatException e) {
            return JSON.createValue(after);
        }
    }

    /** {@code If-None-Match}: a list of tags or {@code *}; weak comparison (RFC 9110 13.1.2). */
    private static boolean matches(String ifNoneMatch, EntityTag tag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String value = candidate.strip();
            if (value.equals("*")) {
                return true;
            }
            if (value.startsWith("W/")) {
                value = value.substring(2);
            }
            if (value.equals("\"" + tag.getValue() + "\"")) {
                return true;
            }
        }
        return false;
    }

    Request parse(JsonObject request) {
        JsonValue channels = request.get("channels");
        if (channels == null || channels.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new CableException("\"channels\" must be an object mapping channel names to the last id "
                    + "seen (or null), e.g. {\"channels\": {\"chat:42\": 17}}");
        }
        JsonObject map = channels.asJsonObject();
        if (map.isEmpty()) {
            throw new CableException("\"channels\" is empty; name at least one channel");
        }
        if (map.size() > maxChannels) {
            throw new CableException("a poll may name at most cable.poll.max-channels (" + maxChannels
                    + ") channels, this one names " + map.size());
        }
        Map<String, Long> cursors = new LinkedHashMap<>();
        Map<String, ChannelError> refused = new LinkedHashMap<>();
        map.forEach((channel, cursor) -> {
            Long valid = JsonBodies.cursor(channel, cursor); // a malformed cursor refuses the request
            try {
                cursors.put(CableNames.requireChannel(channel), valid);
            } catch (CableException badName) {
                refused.put(channel, new ChannelError(400, badName.getMessage()));
            }
        });
        Map<String, String> tokens = tokens(request.get("tokens"));
        long waitMillis = waitMillis(request.get("wait"));
        Optional<String> caller = null;
        for (Iterator<String> names = cursors.keySet().iterator(); names.hasNext(); ) {
            String channel = names.next();
            if (access.isPrivate(channel) || tokens.containsKey(channel)) {
                caller = caller != null ? caller : identity.currentUser();
                if (!access.read(channel, tokens.get(channel), caller).allowed()) {
                    // refused alone: its entry carries the error and nothing of the channel
                    names.remove();
                    refused.put(channel, new ChannelError(403, String.format(NOT_ALLOWED, channel)));
                }
            }
        }
        if (cursors.isEmpty()) {
            // nothing to answer: the request itself is refused, as a poll of one channel always was
            throw refused.values().iterator().next().whole();
        }
        return new Request(cursors, refused, waitMillis);
    }

    /** {@code "tokens": {channel: token}}, optional. */
    private static Map<String, String> tokens(JsonValue tokens) {
        if (tokens == null || tokens.getValueType() == JsonValue.ValueType.NULL) {
            return Map.of();
        }
        if (tokens.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new CableException("\"tokens\" must be an object mapping channel names to channel tokens");
        }
        Map<String, String> result = new java.util.HashMap<>();
        tokens.asJsonObject().forEach((channel, token) -> {
            if (!(token instanceof jakarta.json.JsonString text)) {
                throw new CableException("the token of channel \"" + channel + "\" must be a string");
            }
            result.put(channel, text.getString());
        });
        return result;
    }

    private long waitMillis(JsonValue wait) {
        if (wait == null || wait.getValueType() == JsonValue.ValueType.NULL) {
            return 0;
        }
        if (!(wait instanceof JsonNumber seconds) || seconds.doubleValue() < 0 || !Double.isFinite(seconds.doubleValue())) {
            throw new CableException("\"wait\" must be a number of seconds, 0 or more (at most "
                    + maxWait.toSeconds() + " are used)");
        }
        return Math.min(maxWait.toMillis(), (long) (seconds.doubleValue() * 1000));
    }

    /** The answer to a set of cursors, and whether it carries nothing new. */
    record Answer(String json, boolean empty) {
    }

    Answer answer(Map<String, Long> cursors) {
        return answer(cursors, Map.of());
    }

    /**
     * Refused channels make an answer that is never held: the client must learn of them at once.
     * The answer's messages stay within {@code cable.poll.max-answer-bytes} (at least one message
     * goes, so every answer makes progress): a page cut by the budget ends at its last whole message
     * and says {@code more}, a page left out entirely keeps its cursor and says {@code more}, and the
     * client asks again at once. 50 channels of 100 messages of 64 KiB made answers of 320 MB.
     */
    Answer answer(Map<String, Long> cursors, Map<String, ChannelError> refused) {
        JsonObjectBuilder channels = JSON.createObjectBuilder();
        boolean empty = refused.isEmpty();
        long used = 0;
        for (Map.Entry<String, Long> entry : cursors.entrySet()) {
            SharedReads.Rendered rendered = page(entry.getKey(), entry.getValue());
            MessagePage page = rendered.page();
            JsonObject json = rendered.json();
            if (used + sizeOf(page) > maxAnswerBytes && !page.isEmpty()) {
                page = withinBudget(page, entry.getValue(), used);
                json = toJson(page);
            }
            used += sizeOf(page);
            empty &= page.isEmpty() && !page.reset() && !page.more();
            channels.add(entry.getKey(), json);
        }
        refused.forEach((channel, error) -> channels.add(channel, JSON.createObjectBuilder()
                .add("error", JSON.createObjectBuilder().add("status", error.status()).add("message", error.message()))));
        return new Answer(JSON.createObjectBuilder().add("channels", channels).build().toString(), empty);
    }

    /**
     * From memory when the cursor is at the known head; otherwise from the store, learning its head.
     * Reads behind a known head are shared between the polls asking the same thing at once
     * ({@link SharedReads}).
     */
    private SharedReads.Rendered page(String channel, Long cursor) {
        long known = heads.known(channel);
        if (cursor == null) {
            if (known >= 0) {
                return rendered(MessagePage.empty(known));
            }
            long head = cable.lastId(channel);
            heads.observe(channel, head);
            return rendered(MessagePage.empty(head));
        }
        if (known >= 0 && cursor == known) {
            return rendered(MessagePage.empty(cursor));
        }
        if (known < 0) {
            return rendered(read(channel, cursor)); // not tracked (or the store failed): nothing to share
        }
        return sharedReads.get(new SharedReads.Key(channel, cursor, known), () -> rendered(read(channel, cursor)));
    }

    private MessagePage read(String channel, long cursor) {
        MessagePage page;
        try {
            page = cable.getMessages(channel, cursor);
        } catch (CableUnavailableException e) {
            heads.forgetHeads();
            throw e;
        }
        if (!page.more() && !page.reset()) {
            heads.observe(channel, page.lastId());
        }
        return page;
    }

    private static SharedReads.Rendered rendered(MessagePage page) {
        return new SharedReads.Rendered(page, toJson(page));
    }

    /** Waits for a head to move; answers then (or at the deadline) from a managed thread. */
    private void park(Request request, AsyncResponse response, long deadline, String address) {
        waiting.incrementAndGet();
        response.register((jakarta.ws.rs.container.CompletionCallback) failure -> {
            waiting.decrementAndGet();
            waitingByAddress.release(address);
        });
        repark(request, response, deadline);
    }

    private void repark(Request request, AsyncResponse response, long deadline) {
        Map<String, Long> cursors = request.cursors();
        ChannelHeads.Waiter[] current = new ChannelHeads.Waiter[1];
        response.setTimeoutHandler(r -> {
            ChannelHeads.Waiter waiter = current[0];
            if (waiter == null || waiter.claim()) {
                if (waiter != null) {
                    heads.unpark(waiter);
                }
                r.resume(emptyAnswer(cursors));
            }
        });
        // the handler first: a timeout firing before it is set would get the container's bare 503
        response.setTimeout(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        current[0] = heads.park(cursors, () -> {
            Runnable answerNow = () -> {
                ChannelHeads.Waiter waiter = current[0];
                if (waiter != null && !waiter.claim()) {
                    return;
                }
                try {
                    Answer answer = answer(cursors);
                    if (answer.empty() && System.currentTimeMillis() < deadline - 5) {
                        repark(new Request(cursors, 0), response, deadline); // woken for nothing: wait on
                    } else {
                        response.resume(answer.json());
                    }
                } catch (RuntimeException e) {
                    response.resume(e);
                }
            };
            try {
                executor.execute(answerNow);
            } catch (RejectedExecutionException full) {
                // the executor is saturated (thousands woken at once): answer "nothing new yet";
                // the client polls again at once and reads the event then. Never fail the emitter.
                ChannelHeads.Waiter waiter = current[0];
                if (waiter == null || waiter.claim()) {
                    response.resume(emptyAnswer(cursors));
                }
            }
        });
    }

    /** About the bytes a message takes in an answer: its stored payload, its names and the JSON around them. */
    private static long sizeOf(CableMessage m) {
        return m.payload().length() + m.event().length() + 80L;
    }

    private static long sizeOf(MessagePage page) {
        long size = 0;
        for (CableMessage m : page.messages()) {
            size += sizeOf(m);
        }
        return size;
    }

    /**
     * The head of a page that fits in what is left of the budget (the first message if nothing was
     * used). A page with messages was read from a cursor, never from "now" (null).
     */
    private MessagePage withinBudget(MessagePage page, long cursor, long used) {
        List<CableMessage> kept = new ArrayList<>();
        for (CableMessage m : page.messages()) {
            long size = sizeOf(m);
            if (used + size > maxAnswerBytes && (used > 0 || !kept.isEmpty())) {
                break;
            }
            kept.add(m);
            used += size;
        }
        if (kept.isEmpty()) {
            return new MessagePage(List.of(), cursor, true, false);
        }
        return new MessagePage(kept, kept.get(kept.size() - 1).id(), true, page.reset());
    }

    private static String emptyAnswer(Map<String, Long> cursors) {
        JsonObjectBuilder channels = JSON.createObjectBuilder();
        cursors.forEach((channel, cursor) -> channels.add(channel, toJson(MessagePage.empty(cursor))));
        return JSON.createObjectBuilder().add("channels", channels).build().toString();
    }

    static JsonObject toJson(MessagePage page) {
        JsonArrayBuilder messages = JSON.createArrayBuilder();
        for (CableMessage m : page.messages()) {
            messages.add(JSON.createObjectBuilder()
                    .add("id", m.id())
                    .add("event", m.event())
                    .add("payload", parsePayload(m.payload()))
                    .add("created_at", m.createdAt().toString()));
        }
        return JSON.createObjectBuilder()
                .add("messages", messages)
                .add("lastId", page.lastId())
                .add("more", page.more())
                .add("reset", page.reset())
                .build();
    }

    private static JsonValue parsePayload(String json) {
        try (var reader = JSON.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }
}
