package com.walkindb.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.testing.Reply;
import com.walkindb.server.testing.ServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SQLite answers NOMEM to a statement compiling while other calls fill its shared heap. That is
 * the server being busy (503), never the caller's "statement too complex" (400), even when the
 * other calls have freed their memory again by the time the failure is looked at.
 */
class CompileUnderMemoryPressureTest {
    private static final String MEMORY_BOMB = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c "
            + "WHERE i < 100000) SELECT count(*) FROM (SELECT randomblob(100000) b FROM c ORDER BY b)";
    /** Needs a few hundred KiB to compile and almost nothing to run. */
    private static final String BIG_TO_COMPILE = "SELECT 1 WHERE 0 IN ("
            + IntStream.range(1, 1500).mapToObj(Integer::toString).collect(Collectors.joining(",")) + ")";
    @RegisterExtension
    static final ServerExtension server = ServerExtension.withEnv(Map.of("WALKINDB_SQLITE_HEAP_MB", "16"));

    @Test
    void aSqueezedHeapWhileCompilingIsBusyNeverTheCallersError() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        try {
            List<Future<List<String>>> workers = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                String sql = w < 3 ? MEMORY_BOMB : BIG_TO_COMPILE;
                workers.add(pool.submit(() -> {
                    List<String> answers = new ArrayList<>();
                    String session = null;
                    while (System.nanoTime() < until) {
                        Reply r = server.http().sql(sql, null, session);
                        session = r.session();
                        answers.add(r.status() == 200 ? "200" : r.status() + " " + r.error());
                    }
                    return answers;
                }));
            }
            List<String> bombs = new ArrayList<>();
            List<String> compiles = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                (w < 3 ? bombs : compiles).addAll(workers.get(w).get(30, TimeUnit.SECONDS));
            }
            assertThat(bombs).as("memory bombs").isNotEmpty()
                    .allMatch(a -> a.equals("503 server busy") || a.startsWith("408 "));
            assertThat(compiles).as("small statements compiled beside the bombs")
                    .allMatch(a -> a.equals("200") || a.equals("503 server busy"))
                    .contains("200");
            // Without a squeeze while compiling, this run could not tell anything: on a slow or loaded
            // machine the bombs may never overlap a compile. Say so and skip, rather than fail.
            org.junit.jupiter.api.Assumptions.assumeTrue(compiles.contains("503 server busy"), () -> {
                System.out.println("SKIPPED CompileUnderMemoryPressureTest: no compile met a full heap in "
                        + compiles.size() + " tries (precondition not reached on this machine)");
                return "no compile met a full heap in " + compiles.size() + " tries";
            });
        } finally {
            pool.shutdownNow();
        }
    }
}
