package dev.cable.rest;

import dev.cable.CableException;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads request bodies with JSON-P and turns every shape error into a {@link CableException}. */
final class JsonBodies {

    /** Looked up once: {@code Json.create...} searches the class path for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** Deeper bodies are refused: no legitimate request nests this far, and parsers recurse. */
    static final int MAX_DEPTH = 64;

    private JsonBodies() {
    }

    /**
     * The body as a JSON object, read strictly: UTF-8 only (malformed bytes are refused, not
     * replaced), exactly one value (no data after it), within the parser's limits.
     */
    static JsonObject readObject(InputStream body) {
        if (body == null) {
            throw new CableException("the request body must be a JSON object");
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (JsonParser parser = JSON.createParser(new InputStreamReader(body, utf8))) {
            if (!parser.hasNext()) {
                throw new CableException("the request body is empty; send a JSON object");
            }
            parser.next();
            JsonValue value = parser.getValue();
            if (parser.hasNext()) {
                throw new CableException("the request body has data after its JSON value");
            }
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new CableException("the request body must be a JSON object, not " + typeOf(value));
            }
            checkDepth(value, 0);
            return value.asJsonObject();
        } catch (CableException e) {
            throw e;
        } catch (JsonParsingException e) {
            throw new CableException("the request body is not valid JSON: " + e.getMessage());
        } catch (JsonException e) {
            throw new CableException("the request body is not valid JSON (or not UTF-8): " + e.getMessage());
        } catch (RuntimeException e) {
            // the parser's own limits: numbers of more than 1100 digits, huge exponents, deep nesting
            throw new CableException("the request body is beyond what the JSON parser accepts "
                    + "(a number too long or too large, or nesting too deep)");
        }
    }

    /** A JSON text this server produced itself, as a value. */
    static JsonValue parse(String json) {
        try (JsonReader reader = JSON.createReader(new java.io.StringReader(json))) {
            return reader.readValue();
        }
    }

    static String requiredString(JsonObject object, String field) {
        JsonValue value = object.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw new CableException("\"" + field + "\" is required");
        }
        if (!(value instanceof JsonString string)) {
            throw new CableException("\"" + field + "\" must be a string, not " + typeOf(value));
        }
        return string.getString();
    }

    /** A cursor: null, or an integer from 0 to 2^53 - 1. */
    static Long cursor(String channel, JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw new CableException("the cursor of channel \"" + channel
                    + "\" must be null or a non-negative integer, not " + value);
        }
        try {
            long id = number.longValueExact();
            if (id < 0 || id > dev.cable.ChannelState.MAX_ID) {
                throw new ArithmeticException();
            }
            return id;
        } catch (ArithmeticException e) {
            throw new CableException("the cursor of channel \"" + channel
                    + "\" must be between 0 and 2^53-1, not " + value);
        }
    }

    static String typeOf(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
        };
    }

    private static void checkDepth(JsonValue value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new CableException("the request body nests deeper than " + MAX_DEPTH + " levels");
        }
        switch (value.getValueType()) {
            case OBJECT -> value.asJsonObject().values().forEach(v -> checkDepth(v, depth + 1));
            case ARRAY -> value.asJsonArray().forEach(v -> checkDepth(v, depth + 1));
            default -> {
            }
        }
    }
}
