package dev.cable.rest;

import jakarta.json.spi.JsonProvider;
import jakarta.json.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The one error shape of every endpoint: {@code {"error": "..."}}. */
final class ErrorBody {

    /** Looked up once: {@code Json.create...} searches the class path for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private ErrorBody() {
    }

    static Response response(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(JSON.createObjectBuilder().add("error", message).build().toString())
                .build();
    }

    static Response.ResponseBuilder builder(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(JSON.createObjectBuilder().add("error", message).build().toString());
    }
}
