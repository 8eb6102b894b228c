package dev.cable.demo;

import java.io.Serializable;

/** Who logged in to the demo: a generated id and the name they typed. */
public record DemoUser(String id, String name) implements Serializable {
}
