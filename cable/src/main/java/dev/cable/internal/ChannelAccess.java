package dev.cable.internal;

import dev.cable.ChannelAuthorizer;
import dev.cable.ChannelTokens;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Applies {@code cable.private-channels}: a public channel is open to everyone; a private one needs
 * a valid channel token for it, or the {@link ChannelAuthorizer}'s consent. Also says which channels
 * {@code cable.public-channels} opens to the cacheable GET form of the poll (never a private one).
 */
@ApplicationScoped
public class ChannelAccess {

    @Inject
    ChannelTokens tokens;

    /** The application's ChannelAuthorizer bean; {@link TokensOnlyAuthorizer} if it has none. */
    @Inject
    Instance<ChannelAuthorizer> applicationAuthorizer;

    private ChannelAuthorizer authorizer;

    @PostConstruct
    void chooseAuthorizer() {
        authorizer = applicationAuthorizer.isUnsatisfied() ? new TokensOnlyAuthorizer() : applicationAuthorizer.get();
    }

    @Inject
    @ConfigProperty(name = "cable.private-channels")
    List<String> privatePatterns;

    @Inject
    @ConfigProperty(name = "cable.public-channels")
    List<String> publicPatterns;

    private volatile List<Pattern> compiled;
    private volatile List<Pattern> compiledPublic;

    /** The outcome of a check: allowed or not, and the token's grant if one was used. */
    public record Decision(boolean allowed, Optional<ChannelTokens.Grant> grant) {
        static final Decision DENIED = new Decision(false, Optional.empty());
        static final Decision OPEN = new Decision(true, Optional.empty());
    }

    public boolean isPrivate(String channel) {
        return matchesAny(patterns(), channel);
    }

    /** May anyone read the channel through a shared cache (the GET form of the poll)? */
    public boolean isCacheable(String channel) {
        List<Pattern> open = compiledPublic;
        if (open == null) {
            open = compile(publicPatterns);
            compiledPublic = open;
        }
        return matchesAny(open, channel) && !isPrivate(channel);
    }

    private static boolean matchesAny(List<Pattern> patterns, String channel) {
        for (Pattern p : patterns) {
            if (p.matcher(channel).matches()) {
                return true;
            }
        }
        return false;
    }

    /** May the caller poll the channel? */
    public Decision read(String channel, String token, Optional<String> user) {
        return decide(channel, token, user, false);
    }

    /** May the caller be present in the channel? A token for it also says who the caller is. */
    public Decision join(String channel, String token, Optional<String> user) {
        return decide(channel, token, user, true);
    }

    private Decision decide(String channel, String token, Optional<String> user, boolean join) {
        Optional<ChannelTokens.Grant> grant = token == null ? Optional.empty() : tokens.verify(token, channel);
        if (grant.isPresent()) {
            return new Decision(true, grant);
        }
        if (!isPrivate(channel)) {
            return Decision.OPEN;
        }
        boolean allowed = join ? authorizer.mayJoin(channel, user) : authorizer.mayRead(channel, user);
        return allowed ? Decision.OPEN : Decision.DENIED;
    }

    private List<Pattern> patterns() {
        List<Pattern> result = compiled;
        if (result == null) {
            result = compile(privatePatterns);
            compiled = result;
        }
        return result;
    }

    /** Glob patterns ({@code *} matches anything); "none" is the empty list. */
    private static List<Pattern> compile(List<String> globs) {
        return globs.stream()
                .map(String::strip)
                .filter(p -> !p.isEmpty() && !p.equals("none"))
                .map(p -> Pattern.compile(Pattern.quote(p).replace("*", "\\E.*\\Q")))
                .toList();
    }
}
