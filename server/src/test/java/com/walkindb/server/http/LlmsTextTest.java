package com.walkindb.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/API.md, "Routes": {@code GET /llms.txt} is the API page for a model, small and complete where it counts. */
class LlmsTextTest {
    private static final Path API_MD = Path.of("..", "docs", "API.md");

    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    private static String apiMarkdown() throws IOException {
        return Files.readString(API_MD, StandardCharsets.UTF_8);
    }

    /** The {@code code} column of every row of the error table. */
    private static List<String> documentedCodes(String markdown) {
        List<String> codes = new ArrayList<>();
        var row = Pattern.compile("(?m)^\\| \\d{3} \\| .*? \\| `([a-z_]+)` \\|").matcher(markdown);
        while (row.find()) {
            codes.add(row.group(1));
        }
        return codes;
    }

    @Test
    void servesThePlainTextPageUnder30Kilobytes() {
        Reply r = server.http().get("/llms.txt");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(r.body()).startsWith("# walkindb\n");
        assertThat(r.body().getBytes(StandardCharsets.UTF_8).length).isLessThan(30 * 1024);
        assertThat(server.http().call("POST", "/llms.txt").status()).isEqualTo(405);
    }

    @Test
    void holdsEveryErrorCodeRouteLimitAndPatternOfTheApiPage() throws IOException {
        String markdown = apiMarkdown();
        String page = server.http().get("/llms.txt").body();
        List<String> codes = documentedCodes(markdown);
        assertThat(codes).contains("invalid_sql", "instance_not_found", "rate_limited", "timeout").hasSizeGreaterThan(30);
        for (String code : codes) {
            assertThat(page).contains("`" + code + "`");
        }
        assertThat(page).contains("`POST /sql`", "`GET /db`", "`POST /import`", "## Limits", "## Errors",
                "## Patterns for agents", "CREATE VIRTUAL TABLE chunks USING fts5");
    }

    @Test
    void leavesOutWhatAnAgentDoesNotNeed() {
        String page = server.http().get("/llms.txt").body();
        for (String title : LlmsText.LEFT_OUT) {
            assertThat(page).doesNotContain("# " + title);
        }
        assertThat(page).doesNotContain("](#").doesNotContain("](SECURITY.md)");
    }

    @Test
    void dropsALeftOutSectionUpToTheNextHeadingOfItsLevel() {
        String md = """
                # Title
                intro
                ## A
                a text
                ### Order of checks
                hidden
                #### deeper
                hidden too
                ### Kept
                kept, see [the page](SECURITY.md#x) and [there](#a)
                ## Decisions where the contract is silent
                hidden
                """;
        String page = LlmsText.from(md);
        assertThat(page).contains("intro", "## A", "a text", "### Kept", "kept, see the page (docs/SECURITY.md) and there")
                .doesNotContain("hidden", "# Title", "Decisions");
    }
}
