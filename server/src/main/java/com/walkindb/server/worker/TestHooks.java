package com.walkindb.server.worker;

import com.walkindb.sqlite.SqliteConnection;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Misbehaviour on demand, for the tests of worker isolation only: live when the worker JVM runs
 * with {@code -Dwalkindb.testHooks=true}, which only the test suites set (the supervisor passes
 * the property on to its workers when it has it itself). Real attacks of these kinds exist (a
 * native SQLite function that runs for minutes; a memory-safety bug), but none that a test can
 * set off reliably on every machine. A call whose SQL starts with one of the markers:
 * <ul>
 *   <li>{@code /*walkindb-test:stall*}{@code /}: opens the walk-in, runs the rest of the SQL inside
 *       a transaction that is never committed, then never returns (a native call stuck past
 *       its deadline, in the middle of a write);</li>
 *   <li>{@code /*walkindb-test:malloc*}{@code /}: allocates and touches native memory without end
 *       (a memory bomb the SQLite heap limit does not see).</li>
 * </ul>
 */
final class TestHooks {
    static final String STALL = "/*walkindb-test:stall*/";
    static final String MALLOC = "/*walkindb-test:malloc*/";

    private TestHooks() {}

    static boolean enabled() {
        return Boolean.getBoolean("walkindb.testHooks");
    }

    static boolean matches(String sql) {
        return sql.startsWith(STALL) || sql.startsWith(MALLOC);
    }

    /** Never returns normally. {@code closeCached} closes the walk-in's cached connection (it holds the file's lock). */
    static void run(String sql, Path databaseFile, Runnable closeCached) throws Exception {
        if (sql.startsWith(MALLOC)) {
            Arena forever = Arena.global();
            while (true) {
                MemorySegment chunk = forever.allocate(16 << 20);
                chunk.fill((byte) 1); // touched, so it is resident
            }
        }
        closeCached.run();
        SqliteConnection db = SqliteConnection.open(databaseFile, false);
        db.exec("BEGIN IMMEDIATE");
        db.exec(sql.substring(STALL.length()));
        while (true) {
            Thread.sleep(60_000); // stands for native code that does not come back
        }
    }
}
