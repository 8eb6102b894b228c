package dev.cable.rest;

import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

/**
 * Keeps Cable's endpoints that are switched off out of the server's {@code /openapi} document: the
 * publish endpoint exists only with {@code cable.publish.token} set (it answers 404 otherwise), and
 * a document listing it told every reader where to try tokens. Registered through
 * {@code mp.openapi.filter} in Cable's configuration defaults; an application with a filter of its
 * own sets that key itself and can delegate to this one.
 */
public class CableOpenApiFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        boolean publishOn = ConfigProvider.getConfig().getOptionalValue("cable.publish.token", String.class)
                .filter(token -> !token.isBlank()).isPresent();
        if (publishOn || openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        List<String> publish = openAPI.getPaths().getPathItems().keySet().stream()
                .filter(path -> path.endsWith("/" + CableApplication.PATH + "/publish")).toList();
        publish.forEach(openAPI.getPaths()::removePathItem);
    }
}
