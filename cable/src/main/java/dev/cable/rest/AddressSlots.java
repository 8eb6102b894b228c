package dev.cable.rest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counted slots per client address with a cap: how many of something one address holds at once
 * (bodies being read, long polls parked). Entries go at zero, so the map holds only addresses
 * that hold a slot now. A cap of 0 or less means no cap.
 */
final class AddressSlots {

    private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();

    /** Takes a slot for the address; false when it holds {@code cap} already. */
    boolean claim(String address, int cap) {
        if (cap <= 0) {
            return true;
        }
        boolean[] claimed = {false};
        held.compute(address, (a, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            if (c.get() < cap) {
                c.incrementAndGet();
                claimed[0] = true;
            }
            return c.get() == 0 ? null : c;
        });
        return claimed[0];
    }

    /** Gives back a slot taken with {@link #claim} (a no-op when the cap was off). */
    void release(String address) {
        held.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
