package com.walkindb.server.http;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code GET /llms.txt}: the API in one plain-text page for a language model, made from
 * docs/API.md itself (shipped in the jar), so the page and the docs cannot say different things.
 * The sections a model does not need to use the service (the order of checks, request ids, the
 * decisions log) are left out to keep the page small; a test holds it under 30 KB.
 */
final class LlmsText {
    /** Section titles dropped with everything under them (up to the next heading of their level or above). */
    static final Set<String> LEFT_OUT = Set.of("Request ids", "Order of checks", "Decisions where the contract is silent");

    private static final Pattern HEADING = Pattern.compile("^(#{1,6}) (.*)$");
    private static final Pattern DOC_LINK = Pattern.compile("\\[([^\\]]+)]\\(([A-Z][A-Za-z]*\\.md)(#[^)]*)?\\)");
    private static final Pattern ANCHOR_LINK = Pattern.compile("\\[([^\\]]+)]\\(#[^)]*\\)");

    private static final String PREAMBLE = """
            # walkindb

            > Disposable SQLite for LLM agents. One HTTP call creates a private SQLite database (a
            > "walk-in") and returns its session token; later calls with the token reach the same
            > database; 10 minutes after creation it is deleted. No signup, no key.

            Quick start:

                curl -s -i -X POST http://HOST:PORT/sql -H 'Content-Type: application/json' \\
                  -d '{"sql": "CREATE TABLE t(x); INSERT INTO t VALUES (1); SELECT * FROM t"}'
                # keep the X-Walkin-Session header of the answer and send it on every later call

            The rest of this page is the contract (from docs/API.md of the walkindb repository).

            """;

    private LlmsText() {}

    /** The page for the given API markdown. */
    static String from(String apiMarkdown) {
        StringBuilder out = new StringBuilder(PREAMBLE);
        int skipBelowLevel = 0; // while > 0: inside a left-out section of this heading level
        boolean title = true;
        for (String line : apiMarkdown.split("\n", -1)) {
            var heading = HEADING.matcher(line);
            if (heading.matches()) {
                int level = heading.group(1).length();
                if (skipBelowLevel > 0 && level <= skipBelowLevel) {
                    skipBelowLevel = 0;
                }
                if (skipBelowLevel == 0 && LEFT_OUT.contains(heading.group(2).strip())) {
                    skipBelowLevel = level;
                }
                if (title && level == 1) { // the page's own title: the preamble has one
                    title = false;
                    continue;
                }
            }
            if (skipBelowLevel > 0) {
                continue;
            }
            String plain = DOC_LINK.matcher(line).replaceAll("$1 (docs/$2)");
            out.append(ANCHOR_LINK.matcher(plain).replaceAll("$1")).append('\n');
        }
        return out.toString().replaceAll("\n{3,}", "\n\n");
    }
}
