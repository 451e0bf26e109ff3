package com.walkindb.server;

import com.walkindb.server.config.Variables;
import com.walkindb.server.startup.ExitStatus;
import com.walkindb.sqlite.Sqlite;
import java.io.PrintStream;

/**
 * The server's arguments: none starts it, {@code --dev} starts it in dev mode (as
 * WALKINDB_PROFILE=dev); {@code --help} lists the settings, {@code --version} says what runs. Anything else is refused rather than ignored, so a typo never starts a server
 * the caller did not mean to start.
 */
final class CommandLine {
    /** {@link #run}'s answer when the server should start. */
    static final int START = -1;
    /** Exit status for a bad command line or configuration (docs/CONFIGURATION.md). */
    static final int USAGE = ExitStatus.CONFIG.code();
    private static final String DEV = "--dev";

    private CommandLine() {}

    /** {@link #START}, or the exit status once the arguments have been answered. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || dev(args)) {
            return START;
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(Variables.help());
            return 0;
        }
        if (args.length == 1 && args[0].equals("--version")) {
            out.println(version());
            return 0;
        }
        err.println("walkindb: unknown argument " + String.join(" ", args) + "; " + Variables.USAGE);
        return USAGE;
    }

    /** Whether the arguments ask for dev mode (the only argument that starts the server). */
    static boolean dev(String[] args) {
        return args.length == 1 && args[0].equals(DEV);
    }

    /** "walkindb 0.2.0, SQLite 3.x, JDK ...": the server, the library it was built with, the runtime. */
    static String version() {
        String own = CommandLine.class.getPackage().getImplementationVersion();
        return "walkindb " + (own == null ? "(development build)" : own) + ", SQLite " + Sqlite.version()
                + ", " + System.getProperty("java.vm.name") + " " + Runtime.version();
    }
}
