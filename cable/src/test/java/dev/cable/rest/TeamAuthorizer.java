package dev.cable.rest;

import dev.cable.ChannelAuthorizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * An application's own {@link ChannelAuthorizer}, written as most would be: a plain bean. Opens
 * {@code private-team:<user>:...} to that user only.
 */
@ApplicationScoped
public class TeamAuthorizer implements ChannelAuthorizer {

    public static final String PREFIX = "private-team:";

    @Override
    public boolean mayRead(String channel, Optional<String> user) {
        return user.isPresent() && channel.startsWith(PREFIX + user.get() + ":");
    }
}
