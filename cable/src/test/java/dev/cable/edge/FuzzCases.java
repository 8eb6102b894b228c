package dev.cable.edge;

import dev.cable.rest.HeaderIdentity;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded generator of hostile requests for {@link FuzzRunner}. Case {@code i} depends only on the seed
 * and {@code i}, so any failure is reproduced by the seed and the case number.
 *
 * <p>Every case carries the verdict of an oracle written from docs/protocol.md, not from the server
 * code: {@link Expect#OK} (valid by construction: 200 expected), {@link Expect#REJECT} (invalid:
 * 4xx, nothing stored) or {@link Expect#EITHER} (the protocol leaves it open, e.g. a byte-order
 * mark, a wildcard content type, a number beyond a parser's range in a payload: 200 or 4xx, never
 * 5xx). Names are checked against the documented rules (1-255 UTF-16 units, no C0/C1 control
 * characters, no line/paragraph separators, no unpaired surrogates); bodies are built as values
 * and written as JSON with random (legal) escaping and whitespace, then possibly damaged on the
 * byte level (invalid UTF-8, raw control bytes, truncation, trailing data).
 */
final class FuzzCases {

    enum Expect { OK, REJECT, EITHER }

    /** JSON text written as is (numbers, bare tokens, deliberately broken fragments). */
    record Raw(String text) {
    }

    /** An event an OK publish must have stored. */
    record Stored(String channel, String event, JsonValue payload) {
    }

    /** One request and what the oracle expects of its answer. */
    static final class Case {
        final int index;
        String endpoint;
        String family;
        String method = "POST";
        String path;
        final Map<String, String> headers = new LinkedHashMap<>();
        byte[] body;
        boolean chunked;
        Expect expect = Expect.OK;
        int exactStatus;
        final List<String> whys = new ArrayList<>();
        /** Channels with valid public names that must still be empty if the request was refused. */
        final List<String> untouched = new ArrayList<>();
        /** For an OK publish: the events, in request order. */
        final List<Stored> stored = new ArrayList<>();
        /** For an OK poll: the channel names asked for, with their cursors (null, 0 or n). */
        final Map<String, Long> polled = new LinkedHashMap<>();
        /** For an OK poll: channels refused alone, with the status their error entry must carry. */
        final Map<String, Integer> refusedChannels = new LinkedHashMap<>();
        /** For an OK poll: channels the protocol leaves open (a page or an error entry). */
        final List<String> eitherChannels = new ArrayList<>();
        /** For an OK join or heartbeat: the user who must be listed, with the info a join set. */
        String presentUser;
        JsonValue presentInfo;
        /** The first reason the protocol leaves this request open (EITHER), for the report. */
        String lenientWhy;

        Case(int index) {
            this.index = index;
        }

        void reject(String why) {
            expect = Expect.REJECT;
            if (!whys.contains(why)) {
                whys.add(why);
            }
        }

        void either(String why) {
            if (expect == Expect.OK) {
                expect = Expect.EITHER;
                lenientWhy = why;
            }
            if (!whys.contains(why)) {
                whys.add(why);
            }
        }

        String why() {
            return String.join("; ", whys);
        }
    }

    static final String USER_HEADER = HeaderIdentity.HEADER;

    private final long seed;
    private final String token;
    private final String run;

    FuzzCases(long seed, String token, String run) {
        this.seed = seed;
        this.token = token;
        this.run = run;
    }

    // ---------------------------------------------------------------- characters

    static String cp(int... codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int c : codePoints) {
            sb.appendCodePoint(c);
        }
        return sb.toString();
    }

    static String ch(int... chars) {
        StringBuilder sb = new StringBuilder();
        for (int c : chars) {
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** Legal in names: injection-shaped, unicode-heavy, invisible but not control characters. */
    static final String[] LEGAL = {
        "chat:42", "a", "' OR 1=1 --", "'; DROP TABLE cable_messages; --", "\" OR \"\"=\"", "1' AND SLEEP(5)#",
        "{a}*", "{a}", "}{", "*", "?", "[abc]", "\\", "\\\\", "../../etc/passwd", "..\\..\\windows\\win.ini",
        "%00", "%2e%2e%2f", "%s%s%n", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "${jndi:ldap://127.0.0.1/a}", "#{7*7}", "{{7*7}}", "$(rm -rf /)", "`id`", "FLUSHALL", "EVAL",
        "redis.call('FLUSHALL')", "KEYS *", "ZADD k 1 m", "-- x", "/* x */", "null", "undefined", "NaN",
        "-0", "1e309", "9007199254740993", "true", "[]", "{}", "\"", "\\u0000", "__proto__", "constructor",
        cp(0x202E) + "evil" + cp(0x202C), cp(0x5E9, 0x5DC, 0x5D5, 0x5DD), cp(0x645, 0x631, 0x62D, 0x628, 0x627),
        cp(0x1F600), cp(0x1F469, 0x200D, 0x1F469, 0x200D, 0x1F467, 0x200D, 0x1F466), cp(0x1F3F3, 0xFE0F, 0x200D, 0x1F308),
        "e" + cp(0x301), cp(0xFEFF), cp(0x200B), cp(0xFFFD), cp(0xFFFF), cp(0xFFFE), cp(0x65E5, 0x672C, 0x8A9E),
        cp(0x3A9) + "mega", cp(0x1D518, 0x1D52B, 0x1D526), " ", "  lead", "trail  ", cp(0xA0), cp(0x600),
        cp(0x10FFFF), cp(0x1F1FA, 0x1F1F8), cp(0x2066) + "iso" + cp(0x2069), "Z" + cp(0x336, 0x336, 0x334),
    };

    /** Each of these makes a name invalid (control characters, separators, unpaired surrogates). */
    static final String[] ILLEGAL = {
        ch(0x00), "\n", "\r\n", "\t", ch(0x1B) + "[31m", ch(0x85), ch(0x9B), ch(0x2028), ch(0x2029),
        ch(0xD800), ch(0xDC00), ch(0xDC00, 0xD800), "{a}*\r\nFLUSHALL\r\n", "*3\r\n$3\r\nSET\r\n", ch(0x07),
        "a" + ch(0x00) + "b", ch(0xDBFF) + "x", ch(0x1F),
    };

    /** The documented name rules; null when valid. */
    static String nameProblem(String name) {
        if (name.isEmpty()) {
            return "empty name";
        }
        if (name.length() > 255) {
            return "name of " + name.length() + " UTF-16 units";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x1F || c >= 0x80 && c <= 0x9F || c == 0x2028 || c == 0x2029) {
                return "control character U+" + Integer.toHexString(c) + " in a name";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                    i++;
                } else {
                    return "unpaired surrogate in a name";
                }
            } else if (Character.isLowSurrogate(c)) {
                return "unpaired surrogate in a name";
            }
        }
        return null;
    }

    static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))) {
                return true;
            }
            if (Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
                return true;
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
        return false;
    }

    static boolean isPrivate(String name) {
        return name.startsWith("private-") || name.startsWith("presence-");
    }

    /** An ordered map (Map.of iterates in a per-JVM random order, which would break reproducibility). */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static <T> T pick(Random r, T[] options) {
        return options[r.nextInt(options.length)];
    }

    @SafeVarargs
    private static <T> T one(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }

    /** A name around a unique tag (so no two cases share a channel), legal or not. */
    String name(Random r, String unique) {
        int kind = r.nextInt(100);
        if (kind < 3) {
            return "";
        }
        if (kind < 9) { // right at or past the 255-unit limit, padded with 1- or 2-unit characters
            String filler = one(r, "x", cp(0xE9), cp(0x1F600), cp(0x65E5));
            int target = one(r, 255, 255, 256, 257, 300, 4000);
            StringBuilder sb = new StringBuilder(unique).append(':');
            while (sb.length() + filler.length() <= target) {
                sb.append(filler);
            }
            while (sb.length() < target) {
                sb.append('x');
            }
            return sb.toString();
        }
        if (kind < 13) {
            return one(r, "private-", "presence-") + unique + ":" + pick(r, LEGAL);
        }
        StringBuilder sb = new StringBuilder();
        int pieces = 1 + r.nextInt(3);
        boolean illegal = kind < 35;
        int illegalAt = r.nextInt(pieces);
        for (int p = 0; p < pieces; p++) {
            sb.append(illegal && p == illegalAt ? pick(r, ILLEGAL) : pick(r, LEGAL));
        }
        if (kind % 2 == 0) {
            return unique + ":" + sb;
        }
        if (kind < 40) {
            return ch(0x7F) + unique + sb; // DEL: Java calls it a control character, the doc's C0/C1 do not
        }
        return sb + ":" + unique;
    }

    // ---------------------------------------------------------------- JSON writing

    /** Writes a value as JSON with random legal escaping and whitespace. */
    static void write(StringBuilder out, Object v, Random r) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            out.append(v);
        } else if (v instanceof Raw raw) {
            out.append(raw.text());
        } else if (v instanceof String s) {
            string(out, s, r);
        } else if (v instanceof Map<?, ?> map) {
            out.append('{').append(ws(r));
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(ws(r)).append(',').append(ws(r));
                }
                first = false;
                string(out, (String) e.getKey(), r);
                out.append(ws(r)).append(':').append(ws(r));
                write(out, e.getValue(), r);
            }
            out.append(ws(r)).append('}');
        } else if (v instanceof List<?> list) {
            out.append('[').append(ws(r));
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(ws(r)).append(',').append(ws(r));
                }
                write(out, list.get(i), r);
            }
            out.append(ws(r)).append(']');
        } else {
            throw new IllegalArgumentException(v.getClass().getName());
        }
    }

    static String json(Object v, Random r) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, r);
        return sb.toString();
    }

    private static String ws(Random r) {
        int n = r.nextInt(40);
        return n < 34 ? "" : n < 37 ? " " : n == 37 ? "\n" : n == 38 ? "\t" : "\r\n  ";
    }

    /** A JSON string literal: escapes what must be escaped, and at random some of what may be. */
    static void string(StringBuilder out, String s, Random r) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                String shortForm = switch (c) {
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    default -> null;
                };
                out.append(shortForm != null && r.nextBoolean() ? shortForm : unicodeEscape(c, r));
            } else if (pair) {
                if (r.nextInt(4) == 0) {
                    out.append(unicodeEscape(c, r)).append(unicodeEscape(s.charAt(i + 1), r));
                } else {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                out.append(unicodeEscape(c, r)); // a lone surrogate only exists escaped in valid UTF-8
            } else if (c == '/' && r.nextInt(4) == 0) {
                out.append("\\/");
            } else if (c >= 0x7F && r.nextInt(4) == 0 || c < 0x7F && r.nextInt(60) == 0) {
                out.append(unicodeEscape(c, r));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static String unicodeEscape(char c, Random r) {
        String hex = String.format("%04x", (int) c);
        return "\\u" + (r.nextBoolean() ? hex : hex.toUpperCase());
    }

    static JsonValue parse(String json) {
        return Json.createReader(new StringReader(json)).readValue();
    }

    static int utf8Length(JsonValue value) {
        return value.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    // ---------------------------------------------------------------- payloads

    /** A payload value, with the case's verdict adjusted for what the protocol leaves open. */
    Object payload(Random r, int depth, Case c) {
        int k = r.nextInt(depth > 3 ? 6 : 10);
        switch (k) {
            case 0:
                return null;
            case 1:
                return r.nextBoolean();
            case 2:
            case 3:
                return number(r, c);
            case 4:
            case 5: {
                String s = r.nextInt(3) == 0 ? pick(r, ILLEGAL) + pick(r, LEGAL) : pick(r, LEGAL) + pick(r, LEGAL);
                if (hasLoneSurrogate(s)) {
                    c.either("a lone surrogate (escaped) inside a payload string: legal JSON grammar, not a Unicode text");
                }
                return s;
            }
            case 6:
            case 7: {
                List<Object> list = new ArrayList<>();
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    list.add(payload(r, depth + 1, c));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new LinkedHashMap<>();
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    String key = one(r, "text", "", "__proto__", "constructor", "$where", "a.b", "id", ch(0x00),
                            cp(0x1F600), "<b>", "' OR 1=1 --", "k" + i) + (r.nextBoolean() ? "" : "#" + i);
                    if (hasLoneSurrogate(key)) {
                        c.either("a lone surrogate in a payload key");
                    }
                    map.putIfAbsent(key, payload(r, depth + 1, c));
                }
                return map;
            }
        }
    }

    /** A JSON number, ordinary or extreme (beyond doubles, beyond longs) but within common parser limits. */
    Raw number(Random r, Case c) {
        return new Raw(one(r, "0", "-0", "1", "-1", "42", "9007199254740991", "9007199254740993", "1e309", "-1e309",
                "1E-400", "123456789012345678901234567890.123456789", "3.14", "1e2147483647", "0.0", "-0.0", "2e-1",
                "1E+2", "-2147483649", "18446744073709551616", "0.1e-1000", Long.toString(r.nextLong())));
    }

    // ---------------------------------------------------------------- cases

    Case at(int index) {
        Random r = new Random(seed * 1_000_003L + index * 0x9E3779B97F4A7C15L);
        Case c = new Case(index);
        String unique = "fz" + run + "-" + index;
        int pickEndpoint = r.nextInt(100);
        if (pickEndpoint < 30) {
            poll(r, c, unique);
        } else if (pickEndpoint < 62) {
            publish(r, c, unique);
        } else if (pickEndpoint < 72) {
            presence(r, c, unique, "join");
        } else if (pickEndpoint < 78) {
            presence(r, c, unique, "heartbeat");
        } else if (pickEndpoint < 84) {
            presence(r, c, unique, "leave");
        } else if (pickEndpoint < 93) {
            users(r, c, unique);
            return c;
        } else if (pickEndpoint < 96) {
            getPoll(r, c, unique);
            return c;
        } else {
            wrongMethodOrPath(r, c);
            return c;
        }
        if (r.nextInt(100) < 4) {
            parserLimits(r, c);
            return c;
        }
        envelope(r, c);
        return c;
    }

    /**
     * Values beyond what a JSON parser must accept: exponents beyond 32 bits, numbers of thousands
     * of digits, nesting beyond a thousand levels. In a field the endpoint ignores, a number the
     * parser cannot represent may be refused or ignored (RFC 8259 section 9: EITHER); nesting beyond
     * 64 levels is refused by the protocol. (As cursors, such numbers come from {@link #cursor}.)
     */
    private void parserLimits(Random r, Case c) {
        c.family = "parser-limits";
        String number = one(r, "1e2147483648", "1E+99999999999", "-1e-2147483649", "2e9999999999",
                "1" + "0".repeat(1101 + r.nextInt(3000)), "0." + "3".repeat(1200), "-" + "9".repeat(5000) + "e5");
        int depth = one(r, 1001, 5000, 50_000);
        String deep = r.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        int end = lastBrace(c.body);
        if (end < 0 || c.body.length == 0 || c.body[0] != '{') {
            return; // the base body is not an object: nothing to add to, its verdict stands
        }
        String value;
        String key = "zz-limit"; // a key no generator uses: a duplicate would hide the base's own fields
        int k = r.nextInt(10);
        if (k < 5) {
            value = number;
            c.either("a number beyond a parser's limits in a field the endpoint ignores (RFC 8259 section 9)");
        } else if (k < 8) {
            value = deep;
            c.reject("JSON nested more than a thousand levels deep");
        } else {
            value = number;
            c.either("a number beyond a parser's limits in a field the endpoint ignores (RFC 8259 section 9)");
        }
        String body = new String(c.body, 0, end, StandardCharsets.UTF_8);
        String insert = (body.strip().equals("{") ? "" : ",") + "\"" + key + "\":" + value + "}";
        c.body = concat(java.util.Arrays.copyOf(c.body, end), insert.getBytes(StandardCharsets.UTF_8));
        if (c.expect != Expect.OK) {
            c.stored.clear();
            c.polled.clear();
            c.presentUser = null;
            c.presentInfo = null;
        }
        if (c.expect != Expect.REJECT) {
            c.untouched.clear();
        }
    }

    /** POST /cable/poll. */
    private void poll(Random r, Case c, String unique) {
        c.endpoint = "poll";
        c.path = "cable/poll";
        c.family = "poll";
        c.headers.put("Content-Type", "application/json");
        Map<String, Object> top = new LinkedHashMap<>();
        int shape = r.nextInt(100);
        if (shape < 6) {
            c.family = "poll-shape";
            c.reject("\"channels\" missing, empty or not an object");
            switch (r.nextInt(6)) {
                case 0 -> top.put("channel", unique);
                case 1 -> top.put("channels", new LinkedHashMap<>());
                case 2 -> top.put("channels", List.of(unique));
                case 3 -> top.put("channels", unique);
                case 4 -> top.put("channels", null);
                default -> top.put("channels", new Raw("1e309"));
            }
        } else {
            int n = r.nextInt(100) < 4 ? one(r, 50, 51, 60) : 1 + r.nextInt(4);
            Map<String, Object> channels = new LinkedHashMap<>();
            Map<String, Long> cursors = new LinkedHashMap<>();
            Map<String, Integer> refused = new LinkedHashMap<>();
            List<String> open = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = n >= 50 ? unique + "." + i : name(r, unique + "." + i);
                if (channels.containsKey(name)) {
                    continue;
                }
                String problem = nameProblem(name);
                if (problem != null) {
                    refused.put(name, 400);
                    problems.add(problem);
                } else if (name.indexOf(0x7F) >= 0) {
                    open.add(name);
                } else if (isPrivate(name)) {
                    refused.put(name, 403);
                    problems.add("private channel without a token");
                }
                Object cursor = cursor(r, c, cursors, name);
                channels.put(name, cursor);
            }
            if (channels.size() > 50) {
                c.reject("more than 50 channels");
            }
            // A refused channel is refused alone (an error entry in a 200 answer) unless nothing of
            // the poll could be answered: then the request is refused, as a poll of one channel is.
            cursors.keySet().removeAll(refused.keySet());
            cursors.keySet().removeAll(open);
            boolean answerable = channels.keySet().stream().anyMatch(k -> !refused.containsKey(k) && !open.contains(k));
            if (!answerable && open.isEmpty()) {
                problems.forEach(c::reject);
            } else if (!answerable) {
                c.either("DEL in a channel name (the doc forbids C0/C1 controls; DEL is in neither)");
            }
            if (!open.isEmpty()) {
                c.either("DEL in a channel name (the doc forbids C0/C1 controls; DEL is in neither)");
            }
            top.put("channels", channels);
            if (c.expect != Expect.REJECT) {
                c.polled.putAll(cursors);
                c.refusedChannels.putAll(refused);
                c.eitherChannels.addAll(open);
            }
        }
        if (r.nextInt(100) < 25) {
            wait(r, c, top);
        }
        if (r.nextInt(100) < 10) {
            switch (r.nextInt(7)) {
                case 0 -> top.put("tokens", null);
                case 1 -> top.put("tokens", new LinkedHashMap<>());
                case 2 -> top.put("tokens", map(unique + ".t", "not.a.token"));
                case 3 -> top.put("tokens", map(unique + ".t", pick(r, LEGAL) + "." + pick(r, LEGAL)));
                case 4 -> {
                    top.put("tokens", "abc");
                    c.reject("\"tokens\" not an object");
                }
                case 5 -> {
                    top.put("tokens", map(unique + ".t", new Raw(one(r, "5", "null", "[]", "{}", "true"))));
                    c.reject("a token that is not a string");
                }
                default -> {
                    top.put("tokens", List.of("x"));
                    c.reject("\"tokens\" not an object");
                }
            }
        }
        if (r.nextInt(100) < 15) {
            ignoredField(r, c, top);
        }
        c.body = json(top, r).getBytes(StandardCharsets.UTF_8);
    }

    private Object cursor(Random r, Case c, Map<String, Long> cursors, String name) {
        if (r.nextInt(200) == 0) {
            c.family = "parser-limits-cursor";
            c.reject("a cursor beyond a parser's limits (and far from an integer below 2^53)");
            return new Raw(one(r, "1e2147483648", "-1e-2147483649", "1" + "0".repeat(1200), "9".repeat(3000)));
        }
        int k = r.nextInt(100);
        if (k < 25) {
            cursors.put(name, null);
            return null;
        }
        if (k < 40) {
            cursors.put(name, 0L);
            return 0;
        }
        if (k < 62) {
            long n = k < 45 ? 9007199254740991L : 1 + (r.nextLong() >>> 11) % 9007199254740990L;
            cursors.put(name, n);
            return new Raw(Long.toString(n));
        }
        if (k < 90) {
            c.reject("a cursor that is not null or an integer from 0 to 2^53-1");
            return new Raw(one(r, "-1", "9007199254740992", "1.5", "\"7\"", "true", "false", "{}", "[]", "1e400",
                    "-9007199254740991", "99999999999999999999999", "\"\"", "\"null\"", "[1]", "{\"id\":1}",
                    "0.5", "-0.000001", "1e2147483647", "-1e-2147483647"));
        }
        c.either("an integer-valued cursor written as -0, 1.0, 1e3 or 0e0 (JSON has no integer type)");
        return new Raw(one(r, "-0", "1.0", "1e3", "10E0", "0e0", "0.0", "1E+1", "100e-2"));
    }

    private void wait(Random r, Case c, Map<String, Object> top) {
        if (r.nextInt(3) > 0) {
            // valid, and never long: every channel is fresh, so a real wait would hold the request
            top.put("wait", new Raw(one(r, "null", "0", "0.0", "-0", "0.001", "1e-400", "0E+5")));
        } else {
            c.reject("\"wait\" not a number of seconds >= 0");
            top.put("wait", new Raw(one(r, "-1", "-0.5", "\"1\"", "true", "[]", "{}", "1e309", "-1e309", "\"NaN\"",
                    "-1e-300")));
        }
    }

    /** A field the endpoint ignores: only its JSON-level validity and depth count. */
    private void ignoredField(Random r, Case c, Map<String, Object> top) {
        String key = one(r, "x", "__proto__", "constructor", "extra", cp(0x1F600), "channels2");
        switch (r.nextInt(6)) {
            case 0 -> top.put(key, new Raw("[".repeat(40) + "]".repeat(40)));
            case 1 -> {
                int depth = one(r, 70, 200, 900); // beyond 64 (the protocol's limit), below the parser's 1000
                c.reject("JSON nested " + depth + " levels deep");
                top.put(key, new Raw(r.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth)
                        : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
            }
            case 2 -> top.put(key, payload(r, 0, c));
            case 3 -> top.put(key, number(r, c));
            case 4 -> top.put(key, pick(r, LEGAL) + pick(r, ILLEGAL));
            default -> top.put(key, new Raw("{\"$ne\":null,\"$gt\":\"\"}"));
        }
    }

    /** POST /cable/publish. */
    private void publish(Random r, Case c, String unique) {
        c.endpoint = "publish";
        c.path = "cable/publish";
        c.family = "publish";
        c.headers.put("Content-Type", "application/json");
        int auth = r.nextInt(100);
        if (auth < 88) {
            c.headers.put("Authorization", "Bearer " + token);
        } else if (auth < 91) {
            c.headers.put("Authorization", one(r, "bearer ", "BEARER ", "Bearer   ") + token + one(r, "", " ", "  "));
        } else {
            c.family = "publish-auth";
            c.reject("no valid bearer token");
            c.exactStatus = 401;
            String bad = one(r, null, "Bearer wrong", "Basic " + token, "Bearer", "Bearer " + token + "x", token,
                    "Bearer " + token.toUpperCase(), "Bearer " + token.substring(1), "Token " + token,
                    "Bearer " + token.substring(0, token.length() / 2));
            if (bad != null) {
                c.headers.put("Authorization", bad);
            }
        }
        Object top;
        int shape = r.nextInt(100);
        if (shape < 68) {
            top = message(r, c, unique + ".m", null);
        } else if (shape < 92) {
            c.family = c.family.equals("publish") ? "publish-batch" : c.family;
            List<Object> messages = new ArrayList<>();
            int n = 1 + r.nextInt(5);
            String shared = null;
            for (int i = 0; i < n; i++) {
                messages.add(message(r, c, unique + ".m" + i, r.nextInt(3) == 0 ? shared : null));
                if (shared == null && !c.stored.isEmpty()) {
                    shared = c.stored.get(0).channel(); // later messages may repeat a channel: order within it
                }
            }
            if (r.nextInt(12) == 0) {
                messages.add(r.nextInt(messages.size() + 1), new Raw(one(r, "5", "null", "\"m\"", "[]", "true")));
                c.reject("an entry of \"messages\" that is not an object");
            }
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("messages", messages);
            top = map;
        } else {
            c.family = "publish-shape";
            c.reject("\"messages\" empty or not an array, or no message at all");
            Map<String, Object> map = new LinkedHashMap<>();
            switch (r.nextInt(5)) {
                case 0 -> map.put("messages", List.of());
                case 1 -> map.put("messages", new LinkedHashMap<>());
                case 2 -> map.put("messages", null);
                case 3 -> map.put("messages", "[]");
                default -> map.put("nothing", 1);
            }
            top = map;
        }
        if (top instanceof Map<?, ?> && r.nextInt(100) < 8) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) top;
            if (map.containsKey("messages")) {
                ignoredField(r, c, map);
            }
        }
        c.body = json(top, r).getBytes(StandardCharsets.UTF_8);
        if (c.expect != Expect.OK) {
            c.stored.clear();
        }
        if (c.exactStatus == 413 && c.whys.size() != 1) {
            c.exactStatus = 0; // messages are validated in order: another fault may be reported first
        }
    }

    /** One message of a publish; adds what it must store to the case. */
    private Object message(Random r, Case c, String unique, String sameChannel) {
        Map<String, Object> m = new LinkedHashMap<>();
        String channel = null;
        int k = r.nextInt(100);
        if (k < 88) {
            channel = sameChannel != null ? sameChannel : name(r, unique);
            String problem = nameProblem(channel);
            if (problem != null) {
                c.reject(problem);
            } else if (channel.indexOf(0x7F) >= 0) {
                c.either("DEL in a channel name (the doc forbids C0/C1 controls; DEL is in neither)");
            }
            m.put("channel", channel);
        } else if (k < 95) {
            c.reject("a channel that is not a string");
            m.put("channel", new Raw(one(r, "5", "null", "true", "[]", "{}", "[\"" + unique + "\"]")));
        } else {
            c.reject("no channel");
        }
        String event = null;
        k = r.nextInt(100);
        if (k < 90) {
            event = k < 60 ? one(r, "message:new", "e", "dom-update", "batch", "presence:update", "x".repeat(255))
                    : name(r, "ev");
            String problem = nameProblem(event);
            if (problem != null) {
                c.reject("event: " + problem);
            } else if (event.indexOf(0x7F) >= 0) {
                c.either("DEL in an event name");
            }
            m.put("event", event);
        } else if (k < 96) {
            c.reject("an event that is not a string");
            m.put("event", new Raw(one(r, "1", "null", "false", "{}", "[\"e\"]")));
        } else {
            c.reject("no event");
        }
        JsonValue payload = JsonValue.NULL;
        k = r.nextInt(100);
        if (k < 12) {
            // no payload: stored as null
        } else if (k < 15) {
            int size = one(r, 65536, 65536, 65537, 70_000);
            String filler = one(r, "x", cp(0xE9), cp(0x1F600));
            StringBuilder sb = new StringBuilder();
            int bytes = 2; // the quotes
            int fillerBytes = filler.getBytes(StandardCharsets.UTF_8).length;
            while (bytes + fillerBytes <= size) {
                sb.append(filler);
                bytes += fillerBytes;
            }
            while (bytes < size) {
                sb.append('x');
                bytes++;
            }
            m.put("payload", sb.toString());
            payload = Json.createValue(sb.toString());
            if (size > 65536) {
                c.reject("a payload of " + size + " bytes (limit 65536)");
                if (c.exactStatus == 0) {
                    c.exactStatus = 413;
                }
            }
        } else {
            Case probe = new Case(-1);
            Object value = payload(r, 0, probe);
            String text = json(value, r);
            if (probe.expect == Expect.EITHER) {
                c.whys.addAll(probe.whys);
                c.either("payload: " + probe.why());
                m.put("payload", new Raw(text));
            } else {
                payload = parse(text);
                if (utf8Length(payload) > 65536) {
                    c.reject("a payload above 65536 bytes");
                }
                m.put("payload", new Raw(text));
            }
        }
        if (r.nextInt(100) < 15) {
            int kk = r.nextInt(10);
            if (kk < 6) {
                String key = one(r, "order-" + unique, unique + cp(0x1F600), "k:" + unique + ":" + "y".repeat(60),
                        unique + "'; DROP TABLE cable_idempotency; --");
                if (key.length() > 128) {
                    key = key.substring(key.length() - 128);
                    if (Character.isLowSurrogate(key.charAt(0))) {
                        key = "z" + key.substring(1);
                    }
                }
                m.put("idempotencyKey", key);
            } else {
                c.reject("an idempotency key that is not 1-128 printable characters");
                m.put("idempotencyKey", kk == 6 ? "" : kk == 7 ? unique + "-" + "k".repeat(129) : kk == 8
                        ? unique + ch(0x00) : new Raw(one(r, "1", "[]", "{}", "true")));
            }
        }
        if (r.nextInt(100) < 10) {
            m.put(one(r, "id", "created_at", "extra", "__proto__"), new Raw(one(r, "1", "\"x\"", "{}", "[1,2]")));
        }
        if (channel != null && event != null) {
            c.stored.add(new Stored(channel, event, payload));
        }
        if (channel != null && nameProblem(channel) == null && !isPrivate(channel) && channel.indexOf(0x7F) < 0) {
            c.untouched.add(channel);
        }
        List<String> keys = new ArrayList<>(m.keySet());
        if (r.nextInt(3) == 0) { // key order must not matter
            java.util.Collections.shuffle(keys, r);
            Map<String, Object> shuffled = new LinkedHashMap<>();
            keys.forEach(key -> shuffled.put(key, m.get(key)));
            return shuffled;
        }
        return m;
    }

    /** POST /cable/presence/join|heartbeat|leave as the header-identified user. */
    private void presence(Random r, Case c, String unique, String action) {
        c.endpoint = action;
        c.path = "cable/presence/" + action;
        c.family = "presence";
        c.headers.put("Content-Type", "application/json");
        String user = null;
        int u = r.nextInt(100);
        if (u < 85) {
            user = one(r, "alice", "bob", "' OR 1=1 --", "<script>alert(1)</script>", "{a}*", "../../etc/passwd",
                    "a b", "FLUSHALL", "u-" + unique, "%00", "x".repeat(255));
        } else if (u < 90) {
            c.reject("no authenticated user");
        } else if (u < 95) {
            user = "x".repeat(one(r, 256, 1000));
            c.reject("a user id longer than 255 characters");
        } else {
            user = "";
            c.reject("an empty user id");
        }
        if (user != null) {
            c.headers.put(USER_HEADER, user);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        String channel = null;
        int k = r.nextInt(100);
        if (k < 90) {
            channel = name(r, unique);
            String problem = nameProblem(channel);
            if (problem != null) {
                c.reject(problem);
            } else if (channel.indexOf(0x7F) >= 0) {
                c.either("DEL in a channel name");
            } else if (isPrivate(channel)) {
                c.reject("private channel without a token");
            }
            body.put("channel", channel);
        } else if (k < 95) {
            c.reject("a channel that is not a string");
            body.put("channel", new Raw(one(r, "5", "null", "[]", "{}")));
        } else {
            c.reject("no channel");
        }
        if (r.nextInt(100) < 35) {
            int s = r.nextInt(10);
            if (s < 6) {
                String session = one(r, "tab-1", "default", cp(0x1F600) + "tab", "' OR 1=1 --", "s".repeat(64),
                        cp(0x1F600).repeat(32), "{a}*", "<i>", ch(0x2028) + "sep");
                body.put("session", session);
            } else if (s < 9) {
                c.reject("a session that is not 1-64 characters");
                body.put("session", s == 6 ? "" : s == 7 ? "s".repeat(65) : new Raw(one(r, "5", "[]", "{}", "true")));
            } else {
                c.either("a control character or lone surrogate in a session id (the doc only says 1-64 characters)");
                body.put("session", one(r, "tab" + ch(0x00), "tab\n", ch(0xD800) + "tab", "tab" + ch(0x85)));
            }
        }
        if (action.equals("join") && r.nextInt(100) < 40) {
            int i = r.nextInt(10);
            if (i < 6) {
                Case probe = new Case(-1);
                Object info = i < 3 ? map("name", pick(r, LEGAL), "n", 1) : payload(r, 0, probe);
                String text = json(info, r);
                if (probe.expect == Expect.EITHER) {
                    c.either("info: " + probe.why());
                } else {
                    JsonValue parsed = parse(text);
                    if (utf8Length(parsed) > 1024) {
                        c.reject("user info above cable.presence.max-info-bytes (1024)");
                    } else if (parsed.getValueType() != JsonValue.ValueType.NULL) {
                        c.presentInfo = parsed;
                    }
                }
                body.put("info", new Raw(text));
            } else if (i < 9) {
                c.reject("user info above cable.presence.max-info-bytes (1024)");
                body.put("info", map("bio", "b".repeat(one(r, 4100, 5000, 60_000))));
            } else {
                body.put("info", null);
            }
        }
        if (r.nextInt(100) < 10) {
            if (r.nextBoolean()) {
                body.put("token", one(r, "garbage", "a.b", "", pick(r, LEGAL), "x".repeat(9000)));
            } else {
                c.reject("a token that is not a string");
                body.put("token", new Raw(one(r, "5", "[]", "{}", "null")));
            }
        }
        if (r.nextInt(100) < 6) {
            c.reject("a client-supplied user while cable.presence.client-user-id=false");
            body.put("user", one(r, "mallory", "alice", ""));
        }
        if (r.nextInt(100) < 5) {
            ignoredField(r, c, body);
        }
        if (channel != null && nameProblem(channel) == null && !isPrivate(channel) && channel.indexOf(0x7F) < 0) {
            c.untouched.add(channel);
        }
        if (c.expect == Expect.OK && !action.equals("leave")) {
            c.presentUser = user;
        }
        c.body = json(body, r).getBytes(StandardCharsets.UTF_8);
        if (r.nextInt(100) < 3) {
            c.body = json(one(r, List.of(), "x", 1, null), r).getBytes(StandardCharsets.UTF_8);
            c.reject("a body that is not a JSON object");
            c.presentUser = null;
        }
    }

    /** GET /cable/presence/users?channel=... */
    private void users(Random r, Case c, String unique) {
        c.endpoint = "users";
        c.family = "users";
        c.method = "GET";
        int k = r.nextInt(100);
        StringBuilder query = new StringBuilder();
        if (k < 6) {
            c.reject("no channel parameter");
            query.append(one(r, "", "?", "?chan=x", "?token=x"));
        } else {
            String name = name(r, unique);
            if (name.length() > 257) {
                name = name.substring(0, 257); // URLs of tens of KB meet the container's request-line limit
            }
            query.append("?channel=");
            if (k < 12) {
                c.either("invalid UTF-8 in the query string (its decoding is the container's)");
                query.append(percent(unique + ":", r)).append(one(r, "%FF", "%ED%A0%80", "%C0%80", "%E2%82", "%80"));
            } else {
                String problem = nameProblem(name);
                if (hasLoneSurrogate(name)) {
                    c.either("a lone surrogate in the query string (not encodable as UTF-8)");
                } else if (problem != null) {
                    c.reject(problem);
                } else if (name.indexOf(0x7F) >= 0) {
                    c.either("DEL in a channel name");
                } else if (isPrivate(name)) {
                    c.reject("private channel without a token");
                }
                query.append(percent(name, r));
            }
            if (r.nextInt(10) == 0) {
                query.append("&token=").append(percent(pick(r, LEGAL), r));
            }
        }
        c.path = "cable/presence/users" + query;
    }

    /** GET /cable/poll?channel=...&after=... (the fuzz deployment makes news:* public). */
    private void getPoll(Random r, Case c, String unique) {
        c.endpoint = "get-poll";
        c.family = "get-poll";
        c.method = "GET";
        int k = r.nextInt(100);
        StringBuilder query = new StringBuilder();
        String name = null;
        if (k < 6) {
            c.reject("no channel parameter");
            query.append(one(r, "", "?", "?after=0", "?chan=news:x&after=1"));
        } else if (k < 12) {
            c.either("invalid UTF-8 in the query string (its decoding is the container's)");
            query.append("?channel=").append(percent("news:" + unique, r))
                    .append(one(r, "%FF", "%ED%A0%80", "%C0%80", "%E2%82", "%80"));
        } else {
            name = k < 60 ? "news:" + unique : k < 80 ? "news:" + name(r, unique) : name(r, unique);
            if (name.length() > 257) {
                name = name.substring(0, 257); // URLs of tens of KB meet the container's request-line limit
            }
            String problem = nameProblem(name);
            if (hasLoneSurrogate(name)) {
                c.either("a lone surrogate in the query string (not encodable as UTF-8)");
            } else if (problem != null) {
                c.reject(problem);
            } else if (name.indexOf(0x7F) >= 0) {
                c.either("DEL in a channel name");
            } else if (isPrivate(name) || !name.startsWith("news:")) {
                c.reject("channel not public (cable.public-channels=news:*)");
            }
            query.append("?channel=").append(percent(name, r));
        }
        Long cursor = null;
        int a = r.nextInt(100);
        if (a < 30) {
            // no cursor: from now
        } else if (a < 60) {
            cursor = a < 45 ? 0L : (long) (r.nextDouble() * 9_007_199_254_740_991L);
            query.append(query.isEmpty() ? "?" : "&").append("after=").append(cursor);
        } else if (a < 70) {
            c.either("an integer-valued cursor written as -0, 1.0, 1e3 or 0e0 (JSON has no integer type)");
            String written = one(r, "-0", "1.0", "1e3", "0e0");
            cursor = (long) Double.parseDouble(written);
            query.append(query.isEmpty() ? "?" : "&").append("after=").append(written);
        } else {
            c.reject("a cursor that is not an integer from 0 to 2^53-1");
            query.append(query.isEmpty() ? "?" : "&").append("after=").append(percent(one(r, "-1", "1.5", "abc", "",
                    "9007199254740992", "0x10", " 1", "1 ", "NaN", "Infinity", "1e400", "9".repeat(400), "null",
                    "'1'", "1;DROP TABLE cable_messages", "[1]"), r));
        }
        if (r.nextInt(10) == 0) {
            // tags that match no answer: the poll is answered in full
            c.headers.put("If-None-Match", one(r, "\"nope\"", "W/\"x\"", "W/", ",,,", "\"\""));
        }
        if (name != null && c.expect != Expect.REJECT) {
            c.polled.put(name, cursor);
        }
        c.path = "cable/poll" + query;
    }

    /** Percent-encodes UTF-8 (lone surrogates as their three CESU-8 bytes), sometimes also safe ASCII. */
    static String percent(String s, Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') && r.nextInt(10) > 0) {
                sb.append(c);
                continue;
            }
            byte[] bytes;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes = new byte[] {(byte) (0xE0 | c >> 12), (byte) (0x80 | c >> 6 & 0x3F), (byte) (0x80 | c & 0x3F)};
            } else {
                bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            }
            for (byte b : bytes) {
                sb.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return sb.toString();
    }

    /** Methods the resources do not have (405) and paths that do not exist (404). */
    private void wrongMethodOrPath(Random r, Case c) {
        c.endpoint = "other";
        c.family = "method-or-path";
        c.reject("wrong method or path");
        if (r.nextBoolean()) {
            String path = one(r, "cable/poll", "cable/publish", "cable/presence/join", "cable/presence/heartbeat",
                    "cable/presence/leave", "cable/presence/users?channel=a");
            c.path = path;
            c.method = path.startsWith("cable/presence/users") ? one(r, "PUT", "DELETE", "PATCH") // POST: with a body
                    : path.equals("cable/poll") ? one(r, "PUT", "DELETE", "PATCH") // GET is the public form
                    : one(r, "GET", "PUT", "DELETE", "PATCH");
            c.exactStatus = 405;
        } else {
            c.path = one(r, "cable/poll/extra", "cable/presence/kick", "cable/publish/all", "cable/pol", "cable/Poll",
                    "cable/presence/users/all", "cable/presence", "cable/%2e%2e/cable/poll", "cable/poll;jsessionid=x/a");
            c.method = one(r, "GET", "POST");
            c.exactStatus = 404;
        }
        if (!c.method.equals("GET") && !c.method.equals("DELETE")) {
            c.headers.put("Content-Type", "application/json");
            c.body = "{\"channels\":{\"a\":null}}".getBytes(StandardCharsets.UTF_8);
        }
        if (c.path.equals("cable/%2e%2e/cable/poll") || c.path.startsWith("cable/poll;")) {
            c.exactStatus = 0; // normalisation and path parameters are the container's business
            c.whys.clear();
            c.expect = Expect.OK;
            c.either("dot-segments or path parameters in the path: normalised or not by the container");
        }
    }

    /**
     * Damage common to every POST: content types, byte-level encoding faults, structural damage,
     * oversized bodies. Each damage sets the verdict it implies.
     */
    private void envelope(Random r, Case c) {
        int k = r.nextInt(1000);
        if (k < 30) {
            c.family = "content-type";
            c.headers.remove("Content-Type");
            c.reject("no Content-Type (the protocol: application/json, anything else 415)");
            c.exactStatus = 415; // resource matching comes before the body, the token or any size check
            c.family = "no-content-type";
        } else if (k < 60) {
            c.family = "content-type";
            c.headers.put("Content-Type", one(r, "text/plain", "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x", "application/xml", "text/json", "application/jsonx",
                    "application/json-patch+json", "text/plain; charset=utf-8", "application/javascript"));
            c.reject("a content type other than application/json");
            c.exactStatus = 415;
        } else if (k < 75) {
            c.family = "malformed-content-type";
            c.headers.put("Content-Type", one(r, "json", "application/json; charset", "/", "a/b/c",
                    "application/json; charset=\"", "application/", "; charset=utf-8"));
            c.reject("a malformed Content-Type");
            c.exactStatus = 0;
        } else if (k < 95) {
            c.headers.put("Content-Type", one(r, "application/json; charset=utf-8", "Application/JSON",
                    "application/json;charset=UTF-8", "APPLICATION/JSON; CHARSET=UTF-8"));
        } else if (k < 105) {
            c.family = "content-type-lenient";
            c.headers.put("Content-Type", one(r, "*/*", "application/*", "application/json; charset=iso-8859-1",
                    "application/json; charset=utf-16", "application/json; charset=x-unknown"));
            c.either("a wildcard content type or a charset that is not UTF-8");
            c.exactStatus = 0;
        } else if (k < 160) {
            c.family = "invalid-utf8";
            injectBytes(r, c, one(r, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xFE}, new byte[] {(byte) 0xC0, (byte) 0x80},
                    new byte[] {(byte) 0xC1, (byte) 0xBF}, new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xB0, (byte) 0x80},
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0xBD, (byte) 0xED, (byte) 0xB8, (byte) 0x80},
                    new byte[] {(byte) 0x80}, new byte[] {(byte) 0xBF, (byte) 0xBF}, new byte[] {(byte) 0xE2, (byte) 0x82},
                    new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                    new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                    new byte[] {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xC3}));
            c.reject("invalid UTF-8 (a JSON text is UTF-8: RFC 8259 section 8.1)");
            c.exactStatus = 0;
        } else if (k < 185) {
            c.family = "raw-control-in-string";
            injectBytes(r, c, new byte[] {(byte) (int) one(r, 0x00, 0x01, 0x0A, 0x0D, 0x1F, 0x08)});
            c.reject("a raw control character inside a JSON string");
            c.exactStatus = 0;
        } else if (k < 215) {
            c.family = "trailing-data";
            byte[] tail = one(r, " x", "}", "]", "{}", ",", " null", "//c", "\u0000", " {\"channels\":{}}", "garbage")
                    .getBytes(StandardCharsets.UTF_8);
            c.body = concat(c.body, tail);
            c.reject("data after the JSON value");
            c.exactStatus = 0;
        } else if (k < 235) {
            c.family = "truncated";
            int cut = c.body.length <= 1 ? 0 : r.nextInt(c.body.length - 1);
            c.body = java.util.Arrays.copyOf(c.body, cut);
            c.reject("a truncated body");
            c.exactStatus = 0;
        } else if (k < 250) {
            c.family = "structure";
            switch (r.nextInt(4)) {
                case 0 -> c.body = concat("[".getBytes(StandardCharsets.UTF_8), concat(c.body, "]".getBytes(StandardCharsets.UTF_8)));
                case 1 -> c.body = concat(one(r, "x", ")]}'\n", "\u0000", "//").getBytes(StandardCharsets.UTF_8), c.body);
                case 2 -> c.body = one(r, "", " ", "null", "42", "\"str\"", "true", "[]", "{", "}", "{\"channels\"",
                        "{'channels':{'a':null}}", "{channels:{a:null}}", "{\"a\":1,}", "NaN", "{\"a\":NaN}",
                        "{\"a\":Infinity}", "{\"a\":01}", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "{\"a\":+1}")
                        .getBytes(StandardCharsets.UTF_8);
                default -> c.body = "{\"a\":1}/*c*/".getBytes(StandardCharsets.UTF_8);
            }
            c.reject("not a JSON object");
            c.exactStatus = 0;
        } else if (k < 260) {
            c.family = "bom";
            c.body = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, c.body);
            c.either("a UTF-8 byte order mark (RFC 8259: a parser MAY ignore it)");
        } else if (k < 290) {
            c.family = "mutated";
            byte[] copy = c.body.clone();
            int flips = 1 + r.nextInt(3);
            for (int i = 0; i < flips && copy.length > 0; i++) {
                int[] replacements = {'"', '{', '}', '[', ']', ',', ':', '\\', 'x', 0x00, 0xFF, ' '};
                copy[r.nextInt(copy.length)] = (byte) replacements[r.nextInt(replacements.length)];
            }
            c.body = copy;
            c.expect = Expect.EITHER; // a mutation may break the body or merely change a name
            c.whys.add("random byte mutation");
            c.exactStatus = 0;
            c.stored.clear();
            c.untouched.clear();
            c.polled.clear();
            c.presentUser = null;
        } else if (k < 300) {
            c.family = "oversized";
            String pad = ",\"pad\":\"" + "p".repeat(1_100_000) + "\"}";
            int end = lastBrace(c.body);
            if (end >= 0) {
                c.body = concat(java.util.Arrays.copyOf(c.body, end), pad.getBytes(StandardCharsets.UTF_8));
                c.chunked = r.nextBoolean();
                c.reject("a body above cable.max-request-bytes (1 MiB)");
                // by Content-Length: refused before anything else; streamed: a bad token may answer first
                c.exactStatus = c.chunked && c.exactStatus == 401 ? 401 : c.chunked ? 0 : 413;
            }
        } else if (k < 330) {
            c.chunked = true; // same request, streamed without Content-Length
        }
        if (r.nextInt(10) == 0 && c.expect == Expect.OK) {
            c.body = concat(c.body, one(r, " ", "\n", "\r\n\t ").getBytes(StandardCharsets.UTF_8)); // legal whitespace
        }
        if (c.expect != Expect.OK) {
            c.stored.clear();
            c.polled.clear();
            c.presentUser = null;
            c.presentInfo = null;
        }
        if (c.expect != Expect.REJECT) {
            c.untouched.clear();
        }
    }

    private static int lastBrace(byte[] body) {
        for (int i = body.length - 1; i >= 0; i--) {
            if (body[i] == '}') {
                return i;
            }
        }
        return -1;
    }

    /** Puts raw bytes right after the opening quote of a random string (key or value) of the body. */
    private static void injectBytes(Random r, Case c, byte[] bytes) {
        byte[] body = c.body;
        List<Integer> spots = new ArrayList<>();
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < body.length; i++) {
            byte b = body[i];
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
                spots.add(i + 1);
            }
        }
        int at = spots.isEmpty() ? 0 : spots.get(r.nextInt(spots.size()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(body, 0, at);
        out.write(bytes, 0, bytes.length);
        out.write(body, at, body.length - at);
        c.body = out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] result = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
