package com.walkindb.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import com.walkindb.server.testing.Uploads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/API.md, "Patterns for agents" (served in /llms.txt too): each SQL block runs as shown,
 * one block per call, with the arguments a reader would bind.
 */
class AgentPatternsTest {
    @RegisterExtension
    static final ServerExtension server = ServerExtension.start();

    private static List<String> blocks;

    @BeforeAll
    static void readTheBlocks() throws IOException {
        String api = Files.readString(Path.of("..", "docs", "API.md"), StandardCharsets.UTF_8);
        int start = api.indexOf("## Patterns for agents");
        String section = api.substring(start, api.indexOf("\n## ", start + 1));
        blocks = new ArrayList<>();
        var block = Pattern.compile("(?s)```sql\n(.*?)```").matcher(section);
        while (block.find()) {
            blocks.add(block.group(1));
        }
        assertThat(blocks).hasSize(3);
    }

    @Test
    void stagedChunksAreFoundByFullTextSearch() {
        Reply r = server.http().sql(blocks.get(0), List.of("guide.md", "a walk-in expires ten minutes after creation", "expires"), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.rows().get(0).get(0).asText()).isEqualTo("guide.md");
        assertThat(r.rows().get(0).get(1).asText()).contains("[expires]");
    }

    @Test
    void anImportedCsvIsRankedByRegion() {
        Reply imported = Uploads.csv(server.http(), null, "table=sales", "region,amount\nnorth,10\nsouth,30\nnorth,5\n");
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        Reply r = server.http().sql(blocks.get(1), imported.session());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.rows().toString()).isEqualTo("[[\"south\",30,1],[\"north\",15,2]]");
    }

    @Test
    void planStepsAreUpdatedAndListed() {
        Reply r = server.http().sql(blocks.get(2), Map.of("id", 1, "note", "loaded 3 rows"), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.rows().toString()).isEqualTo("[[2,\"answer the question\"]]");
    }
}
