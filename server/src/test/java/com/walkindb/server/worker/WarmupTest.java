package com.walkindb.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.config.Limits;
import com.walkindb.server.instance.DiskGuard;
import com.walkindb.server.sql.AnswerMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spare's warm-up, run here on real SQLite: its calls succeed, it cleans up, a full disk skips it. */
class WarmupTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path data;

    @Test
    void everyRoundAnswersItsCallsAndOnlyTheMissingTableIsRefused() throws IOException {
        AnswerMemory memory = new AnswerMemory(4 * MIB);
        DiskGuard ample = new DiskGuard(DiskGuard.Space.fixed(1024 * MIB, 2048 * MIB), MIB, 0, MIB);
        Warmup.Report r = Warmup.run(data, Limits.DEFAULTS, memory, ample);

        assertThat(r.rounds()).as("rounds (time-bounded)").isBetween(1, Warmup.ROUNDS);
        assertThat(r.refused()).as("the no-such-table call, once a round").isEqualTo(r.rounds());
        assertThat(r.answered()).as("eight calls and a batch a round").isEqualTo(9 * r.rounds());
        assertThat(memory.held()).as("answer memory handed back").isZero();
        try (var left = Files.list(Warmup.root(data))) {
            assertThat(left).as("scratch directories left behind").isEmpty();
        }
    }

    @Test
    void aTrippedDiskGuardSkipsTheWarmUpAndWritesNothing() throws IOException {
        DiskGuard full = new DiskGuard(DiskGuard.Space.fixed(0, 2048 * MIB), MIB, 0, MIB);
        assertThat(full.tripped()).isTrue();
        assertThat(Warmup.run(data, Limits.DEFAULTS, new AnswerMemory(4 * MIB), full).rounds()).isZero();
        assertThat(Warmup.root(data)).doesNotExist();
    }
}
