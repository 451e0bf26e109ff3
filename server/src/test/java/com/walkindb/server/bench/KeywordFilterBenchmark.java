package com.walkindb.server.bench;

import com.walkindb.server.sql.filter.FilterVerdict;
import com.walkindb.server.sql.filter.KeywordFilter;
import com.walkindb.server.sql.filter.KeywordFilterLongInputTest;
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
 * What the keyword pre-filter costs per call: a typical short statement, and a full 8 KB body
 * of strings, comments and quoted identifiers (the request cap). Run it with
 * {@code bench/jmh.sh KeywordFilter}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KeywordFilterBenchmark {
    private final String shortSql = "SELECT id, body FROM notes WHERE tag = ? ORDER BY id DESC LIMIT 20";
    private final String longSql = KeywordFilterLongInputTest.eightKilobytes();

    @Benchmark
    public FilterVerdict shortStatement() {
        return KeywordFilter.check(shortSql);
    }

    @Benchmark
    public FilterVerdict eightKilobytes() {
        return KeywordFilter.check(longSql);
    }
}
