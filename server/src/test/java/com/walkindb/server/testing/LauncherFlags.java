package com.walkindb.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The JVM flags of scripts/jvm-flags, which ./walkindb (and the bench) start production with. */
public final class LauncherFlags {
    /** The repository root: Surefire runs the server module's tests in server/. */
    public static final Path REPO_ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    private static final List<String> FLAGS = read();

    private LauncherFlags() {}

    public static List<String> flags() {
        return FLAGS;
    }

    private static List<String> read() {
        try {
            return Files.readAllLines(REPO_ROOT.resolve("scripts/jvm-flags")).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
