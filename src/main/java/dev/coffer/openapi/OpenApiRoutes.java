package dev.coffer.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coffer.config.CofferConfig;
import dev.coffer.http.Access;
import dev.coffer.http.ApiModule;
import dev.coffer.http.Routes;

/**
 * {@code GET /api/openapi.json}: the document of this server's routes and collections. Register
 * it last: it describes the routes registered before it (and itself), and building it checks that
 * every one of them is described.
 */
public final class OpenApiRoutes implements ApiModule {
    public static final String PATH = "/api/openapi.json";
    private final CofferConfig config;
    private final String version;

    public OpenApiRoutes(CofferConfig config, String version) {
        this.config = config;
        this.version = version;
    }

    @Override
    public void register(Routes routes) {
        var holder = new ObjectNode[1];
        routes.get(PATH, Access.PUBLIC, ctx -> ctx.json(holder[0]));
        // Sorted: the configuration keeps no order, and the document should not change between starts.
        var collections = config.collections().values().stream()
                .sorted(java.util.Comparator.comparing(dev.coffer.config.CollectionConfig::name)).toList();
        holder[0] = OpenApiDocument.build(routes.declared(), collections, version, config.auth().oidcIssuer());
    }
}
