package dev.coffer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The route table: which endpoint a method and raw path reach, with which parameters, or 404/405. */
class RoutesTest {
    private static final Routes.Endpoint ITEMS = exchange -> { };
    private static final Routes.Endpoint ITEM = exchange -> { };
    private static final Routes.Endpoint FILE = exchange -> { };

    private final Routes routes = new Routes()
            .get("/api/v1/collections/{collection}/items", ITEMS)
            .get("/api/v1/collections/{collection}/items/{id}", ITEM)
            .delete("/api/v1/collections/{collection}/items/{id}", ITEM)
            .put("/api/v1/files/<path>", FILE);

    @Test
    void literalAndParameterSegments_bindTheParameters() {
        assertThat(routes.match("GET", "/api/v1/collections/scans/items/a%20b"))
                .isEqualTo(new Routes.Match.Found(ITEM, Map.of("collection", "scans", "id", "a%20b")));
        assertThat(routes.match("GET", "/api/v1/collections/scans/items"))
                .isEqualTo(new Routes.Match.Found(ITEMS, Map.of("collection", "scans")));
    }

    @Test
    void oneTrailingSlash_isIgnored() {
        assertThat(routes.match("GET", "/api/v1/collections/scans/items/")).isInstanceOf(Routes.Match.Found.class);
        assertThat(routes.match("GET", "/api/v1/collections/scans/items//")).isInstanceOf(Routes.Match.NotFound.class);
    }

    @Test
    void restParameter_takesTheRawRestWithItsSlashes() {
        assertThat(routes.match("PUT", "/api/v1/files/a/b%2Fc.txt"))
                .isEqualTo(new Routes.Match.Found(FILE, Map.of("path", "a/b%2Fc.txt")));
        assertThat(routes.match("PUT", "/api/v1/files")).isInstanceOf(Routes.Match.NotFound.class);
    }

    @Test
    void emptySegment_neverBindsAParameter() {
        assertThat(routes.match("GET", "/api/v1/collections//items")).isInstanceOf(Routes.Match.NotFound.class);
    }

    @Test
    void extraOrMissingSegments_notFound() {
        assertThat(routes.match("GET", "/api/v1/collections/scans/items/x/y")).isInstanceOf(Routes.Match.NotFound.class);
        assertThat(routes.match("GET", "/api/v1/collections/scans")).isInstanceOf(Routes.Match.NotFound.class);
        assertThat(routes.match("GET", "relative")).isInstanceOf(Routes.Match.NotFound.class);
        assertThat(routes.match("GET", "/")).isInstanceOf(Routes.Match.NotFound.class);
    }

    @Test
    void knownPathOtherMethod_methodNotAllowedWithTheAllowedOnes() {
        assertThat(routes.match("POST", "/api/v1/collections/scans/items/1"))
                .isEqualTo(new Routes.Match.MethodNotAllowed(Set.of("DELETE", "GET", "HEAD")));
        assertThat(routes.match("HEAD", "/api/v1/files/x")).isEqualTo(new Routes.Match.MethodNotAllowed(Set.of("PUT")));
    }

    @Test
    void head_answeredByTheGetRouteUnlessThePathHasItsOwn() {
        assertThat(routes.match("HEAD", "/api/v1/collections/scans/items/1"))
                .isEqualTo(new Routes.Match.Found(ITEM, Map.of("collection", "scans", "id", "1")));
        Routes.Endpoint ownHead = exchange -> { };
        Routes withHead = new Routes().get("/files/<path>", FILE).head("/files/<path>", ownHead);
        assertThat(withHead.match("HEAD", "/files/a")).isEqualTo(new Routes.Match.Found(ownHead, Map.of("path", "a")));
    }

    @Test
    void restParameterNotLast_refusedWhenRegistered() {
        assertThatThrownBy(() -> new Routes().get("/files/<path>/meta", FILE)).isInstanceOf(IllegalArgumentException.class);
    }
}
