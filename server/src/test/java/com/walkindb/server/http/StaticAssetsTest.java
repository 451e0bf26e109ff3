package com.walkindb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Files served from the jar: types, CSP, revalidation by ETag, and nothing outside their folders. */
class StaticAssetsTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void openApiDocumentIsServedAsJsonWithAValidator() {
        Reply r = server.get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.header("ETag")).matches("\"[0-9a-f]{24}\"");
        assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(r.json().get("openapi").asText()).startsWith("3.1");
    }

    @Test
    void unchangedFileRevalidatesWith304() {
        String etag = server.get("/openapi.json").header("ETag");
        Reply again = server.send(server.request("/openapi.json").header("If-None-Match", etag).GET().build());
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        Reply other = server.send(server.request("/openapi.json").header("If-None-Match", "\"nope\"").GET().build());
        assertThat(other.status()).isEqualTo(200);
    }

    @Test
    void pathsOutsideTheAssetFoldersAreNotFound() {
        for (String path : new String[] {"/playground/../openapi.json", "/playground/..%2fopenapi.json",
                "/playground//etc/passwd", "/logback.xml", "/com/walkindb/server/Main.class",
                "/playground/../com/walkindb/server/Main.class"}) {
            Reply r = server.get(path);
            assertThat(r.status()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("<configuration>").doesNotContain("\u00ca\u00fe");
        }
    }

    @Test
    void wrongMethodOnAnAssetIs405WithAllow() {
        Reply r = server.post("/openapi.json", "{}", null);
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, OPTIONS");
        assertThat(r.error()).isEqualTo("method not allowed");
    }
}
