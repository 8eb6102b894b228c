package dev.cable;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a client holds of a channel's members when it follows the rules of docs/protocol.md
 * ("Keeping an exact member list"): a list at a version, moved on by each {@code presence:update}
 * with the next version. Tests replay the updates a channel stored, or a poller received, into one
 * and compare it with the store.
 */
public final class PresenceReplica {

    private final Map<String, String> members = new TreeMap<>();
    private long version;

    /** Applies the update that must come next; a version gap fails the test that replays it. */
    public PresenceReplica apply(JsonObject update) {
        long next = update.getJsonNumber("version").longValue();
        if (next != version + 1) {
            throw new AssertionError("presence version " + next + " follows " + version + ": " + update);
        }
        for (JsonValue id : update.getJsonArray("left")) {
            members.remove(((JsonString) id).getString());
        }
        for (JsonValue changed : update.getJsonArray("changed")) {
            JsonObject member = changed.asJsonObject();
            members.put(member.getString("id"), member.get("info").toString());
        }
        version = next;
        if (members.size() != update.getInt("count")) {
            throw new AssertionError("after version " + next + " the replica holds " + members.size()
                    + " members, the update counts " + update.getInt("count"));
        }
        if (update.containsKey("users")) {
            Map<String, String> listed = new TreeMap<>();
            update.getJsonArray("users").forEach(u -> listed.put(u.asJsonObject().getString("id"),
                    u.asJsonObject().get("info").toString()));
            if (!listed.equals(members)) {
                throw new AssertionError("version " + next + " lists " + listed + ", the changes add up to " + members);
            }
        }
        return this;
    }

    /** Id → info JSON ({@code null} as the text {@code null}), ordered by id. */
    public Map<String, String> members() {
        return members;
    }

    public long version() {
        return version;
    }

    /** The store's members in the same form. */
    public static Map<String, String> of(Iterable<PresenceMember> users) {
        Map<String, String> members = new TreeMap<>();
        users.forEach(u -> members.put(u.userId(), u.info() == null ? "null" : jakarta.json.Json.createReader(
                new java.io.StringReader(u.info())).readValue().toString()));
        return members;
    }
}
