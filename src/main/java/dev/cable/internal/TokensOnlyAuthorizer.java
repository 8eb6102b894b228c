package dev.cable.internal;

import dev.cable.ChannelAuthorizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** The default {@link ChannelAuthorizer}: private channels need a channel token, nothing else opens them. */
@ApplicationScoped
public class TokensOnlyAuthorizer implements ChannelAuthorizer {

    @Override
    public boolean mayRead(String channel, Optional<String> user) {
        return false;
    }
}
