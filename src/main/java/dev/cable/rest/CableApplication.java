package dev.cable.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Cable's HTTP endpoints live under {@code /cable} (docs/protocol.md). */
@ApplicationPath("cable")
public class CableApplication extends Application {
}
