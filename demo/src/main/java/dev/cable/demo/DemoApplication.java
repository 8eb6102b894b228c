package dev.cable.demo;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The demo's own JAX-RS application at {@code /demo}, beside Cable's at {@code /cable}: like any
 * application's, it lists nothing and is given the WAR's resources (Cable keeps its own to itself).
 */
@ApplicationPath("demo")
public class DemoApplication extends Application {
}
