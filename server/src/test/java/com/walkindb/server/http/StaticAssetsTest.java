package com.walkindb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Files served from the jar: types, CSP, revalidation by ETag, and nothing outside their folders. */
class StaticAssetsTest {
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    @Test
    void openApiDocumentIsServedAsJsonWithAValidator() {
        Reply r = server.http().get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.header("ETag")).matches("\"[0-9a-f]{24}\"");
        assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(r.json().get("openapi").asText()).startsWith("3.1");
    }

    @Test
    void unchangedFileRevalidatesWith304() {
        String etag = server.http().get("/openapi.json").header("ETag");
        Reply again = server.http().send(server.http().request("/openapi.json").header("If-None-Match", etag).GET().build());
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        Reply other = server.http().send(server.http().request("/openapi.json").header("If-None-Match", "\"nope\"").GET().build());
        assertThat(other.status()).isEqualTo(200);
    }

    @Test
    void pathsOutsideTheAssetFoldersAreNotFound() {
        for (String path : new String[] {"/playground/../openapi.json", "/playground/..%2fopenapi.json",
                "/playground//etc/passwd", "/logback.xml", "/com/walkindb/server/Main.class",
                "/playground/../com/walkindb/server/Main.class"}) {
            Reply r = server.http().get(path);
            assertThat(r.status()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("<configuration>").doesNotContain("\u00ca\u00fe");
        }
    }

    @Test
    void wrongMethodOnAnAssetIs405WithAllow() {
        Reply r = server.http().postJson("/openapi.json", "{}", null);
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, OPTIONS");
        assertThat(r.error()).isEqualTo("method not allowed");
    }
}
