package com.walkindb.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Locates the hardened SQLite library that this jar carries and opens it once per process.
 *
 * <p>The library is copied out of the jar into {@code <tmpdir>/walkindb-native-<sha256>/} (the
 * hash keeps two builds from ever sharing a file), or taken from the system property
 * {@code walkindb.sqlite.library} when set. Only this library is ever loaded: the binding never
 * looks symbols up in the system's libsqlite3.
 */
final class NativeLibrary {
    static final String RESOURCE_DIR = "/native/linux-x86_64/";
    static final String LIB_NAME = "libwalkindb_sqlite.so";

    private static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup(locate(), Arena.global());

    private NativeLibrary() {}

    static SymbolLookup lookup() {
        return LOOKUP;
    }

    static Path locate() {
        String override = System.getProperty("walkindb.sqlite.library");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        if (!"amd64".equals(System.getProperty("os.arch")) || !System.getProperty("os.name").startsWith("Linux")) {
            throw new UnsatisfiedLinkError("walkindb's SQLite library is built for linux-x86_64 only, not "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        try {
            String sha = readResource(RESOURCE_DIR + LIB_NAME + ".sha256").trim();
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "walkindb-native-" + sha.substring(0, 16));
            Path lib = dir.resolve(LIB_NAME);
            if (!Files.isRegularFile(lib)) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, LIB_NAME, ".part");
                try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE_DIR + LIB_NAME)) {
                    if (in == null) {
                        throw new UnsatisfiedLinkError("the jar does not contain " + RESOURCE_DIR + LIB_NAME);
                    }
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                // Atomic so that concurrent starts never load a half-written file.
                Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return lib;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract walkindb's SQLite library", e);
        }
    }

    private static String readResource(String name) throws IOException {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("the jar does not contain " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
