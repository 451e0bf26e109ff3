package com.walkindb.server.sql;

import com.walkindb.server.config.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What ranking names for an error hint costs at its worst: 180 tables with 784-character names
 * (once 11.8 s of CPU). Here, beside the package-private {@link ErrorHints}, not in the bench
 * package; run it with {@code bench/jmh.sh ErrorHints}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ErrorHintsBenchmark {
    private final ErrorHints hints = new ErrorHints(Limits.DEFAULTS);
    private final List<String> names = longNames();
    private final String wanted = "q".repeat(8000);

    /** 180 names of 784 characters that share all but their first three. */
    static List<String> longNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 180; i++) {
            names.add(String.format("%03d", i) + "n".repeat(781));
        }
        return names;
    }

    @Benchmark
    public List<String> rank180LongNames() {
        return hints.closestFirst(names, wanted, () -> false);
    }
}
