package dev.cable.internal;

import dev.cable.ChannelAuthorizer;
import java.util.Optional;

/**
 * The {@link ChannelAuthorizer} of an application that has none: private channels need a channel
 * token, nothing else opens them. Not a bean, so an application's own authorizer bean, whatever
 * its scope, needs no {@code @Alternative} to win.
 */
final class TokensOnlyAuthorizer implements ChannelAuthorizer {

    @Override
    public boolean mayRead(String channel, Optional<String> user) {
        return false;
    }
}
