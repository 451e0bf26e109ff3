package com.walkindb.server.testing;

import com.walkindb.server.Main;
import com.walkindb.sqlite.StallFunction;

/**
 * Test-only process entry point: {@link Main}, the production start-up, in a JVM whose SQLite
 * connections also have the test function {@code random(ms)} of {@link StallFunction}, a call
 * that stays in native code past the deadline. Run it with {@code WALKINDB_SANDBOX=off}: the
 * function is registered before {@code Main} would jail the process.
 */
public final class StallingServerMain {
    private StallingServerMain() {}

    public static void main(String[] args) throws Throwable {
        StallFunction.register(System.out);
        Main.main(args);
    }
}
