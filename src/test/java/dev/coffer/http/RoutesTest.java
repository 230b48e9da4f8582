package dev.coffer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The route table: which endpoint a method and raw path reach, with which parameters, or 404/405. */
class RoutesTest {
    private static final Routes.Endpoint ITEMS = exchange -> { };
    private static final Routes.Endpoint FILE = exchange -> { };

    private static final String ITEMS_PATH = "/api/v1/collections/{collection}/items";
    private static final String ITEM_PATH = "/api/v1/collections/{collection}/items/{id}";

    private final Routes routes = new Routes()
            .get(ITEMS_PATH, Access.PUBLIC, ITEMS)
            .get(ITEM_PATH, Access.ANY_CALLER, (exchange, caller) -> { })
            .delete(ITEM_PATH, Access.ANY_CALLER, (exchange, caller) -> { })
            .put("/api/v1/files/<path>", Access.PUBLIC, FILE);

    /** The method and pattern of the route a request reaches, and the parameters it binds. */
    private static String found(Routes.Match match) {
        assertThat(match).isInstanceOf(Routes.Match.Found.class);
        var found = (Routes.Match.Found) match;
        return found.route().method() + " " + found.route().pattern() + " " + new java.util.TreeMap<>(found.pathParams());
    }

    @Test
    void literalAndParameterSegments_bindTheParameters() {
        assertThat(found(routes.match("GET", "/api/v1/collections/scans/items/a%20b")))
                .isEqualTo("GET " + ITEM_PATH + " {collection=scans, id=a%20b}");
        assertThat(found(routes.match("GET", "/api/v1/collections/scans/items")))
                .isEqualTo("GET " + ITEMS_PATH + " {collection=scans}");
    }

    @Test
    void oneTrailingSlash_isIgnored() {
        assertThat(routes.match("GET", "/api/v1/collections/scans/items/")).isInstanceOf(Routes.Match.Found.class);
        assertThat(routes.match("GET", "/api/v1/collections/scans/items//")).isInstanceOf(Routes.Match.NotFound.class);
    }

    @Test
    void restParameter_takesTheRawRestWithItsSlashes() {
        assertThat(found(routes.match("PUT", "/api/v1/files/a/b%2Fc.txt"))).isEqualTo("PUT /api/v1/files/<path> {path=a/b%2Fc.txt}");
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
        assertThat(found(routes.match("HEAD", "/api/v1/collections/scans/items/1")))
                .isEqualTo("GET " + ITEM_PATH + " {collection=scans, id=1}");
        Routes withHead = new Routes().get("/files/<path>", Access.PUBLIC, FILE).head("/files/<path>", Access.PUBLIC, FILE);
        assertThat(found(withHead.match("HEAD", "/files/a"))).isEqualTo("HEAD /files/<path> {path=a}");
    }

    @Test
    void declared_listsEveryRouteWithItsAccess() {
        assertThat(routes.declared()).containsExactly(
                new Routes.Declared("GET", ITEMS_PATH, Access.PUBLIC),
                new Routes.Declared("GET", ITEM_PATH, Access.ANY_CALLER),
                new Routes.Declared("DELETE", ITEM_PATH, Access.ANY_CALLER),
                new Routes.Declared("PUT", "/api/v1/files/<path>", Access.PUBLIC));
    }

    @Test
    void restParameterNotLast_refusedWhenRegistered() {
        assertThatThrownBy(() -> new Routes().get("/files/<path>/meta", Access.PUBLIC, FILE)).isInstanceOf(IllegalArgumentException.class);
    }
}
