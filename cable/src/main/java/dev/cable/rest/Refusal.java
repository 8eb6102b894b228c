package dev.cable.rest;

import jakarta.ws.rs.WebApplicationException;

/** A 401, 403 or 429 with the JSON error shape and a message that says why. */
final class Refusal extends WebApplicationException {

    private static final long serialVersionUID = 1L;

    private Refusal(int status, String message, String retryAfter) {
        super(message, retryAfter == null ? ErrorBody.response(status, message)
                : ErrorBody.builder(status, message).header("Retry-After", retryAfter).build());
    }

    static Refusal unauthenticated(String message) {
        return new Refusal(401, message, null);
    }

    static Refusal forbidden(String message) {
        return new Refusal(403, message, null);
    }

    static Refusal tooMany(String message, long retryAfterSeconds) {
        return new Refusal(429, message, Long.toString(Math.max(1, retryAfterSeconds)));
    }
}
