package com.walkindb.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Locates the hardened SQLite library that this jar carries and opens it once per process.
 *
 * <p>The library is copied out of the jar into {@code <tmpdir>/walkindb-native-<sha256>/} (the
 * hash keeps two builds from ever sharing a file), or taken from the system property
 * {@code walkindb.sqlite.library} when set. A copy already there is used when its SHA-256 is the
 * jar's, so a restart on a full disk needs no space; a copy that cannot be written leaves no
 * partial file behind and fails with one line naming the path and the system's reason. Only this
 * library is ever loaded: the binding never looks symbols up in the system's libsqlite3.
 *
 * <p>No in-memory fallback (memfd): the server loads the library after its seccomp filter is in
 * place, and that filter does not allow {@code memfd_create}.
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
        String sha;
        byte[] library;
        try {
            sha = readResource(RESOURCE_DIR + LIB_NAME + ".sha256").trim().toLowerCase(java.util.Locale.ROOT);
            library = readLibrary();
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("cannot read walkindb's SQLite library from the jar: " + e);
        }
        if (!sha.equals(sha256(library))) {
            throw new UnsatisfiedLinkError("the jar's " + LIB_NAME + " does not match its .sha256");
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "walkindb-native-" + sha.substring(0, 16));
        Path lib = dir.resolve(LIB_NAME);
        if (isCopy(lib, sha)) {
            return lib;
        }
        extract(library, dir, lib);
        return lib;
    }

    /** Whether {@code lib} is a regular file whose SHA-256 is {@code sha}. */
    static boolean isCopy(Path lib, String sha) {
        try {
            return Files.isRegularFile(lib) && sha.equals(sha256(Files.readAllBytes(lib)));
        } catch (IOException unreadable) {
            return false;
        }
    }

    /** Writes a temp file beside {@code lib} and renames it into place; never leaves the temp file. */
    static void extract(byte[] library, Path dir, Path lib) {
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, LIB_NAME, ".part");
            Files.write(tmp, library);
            // Atomic so that concurrent starts never load a half-written file.
            Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
            throw new UnsatisfiedLinkError("cannot extract walkindb's SQLite library to " + lib + ": " + why);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to do: the error above says why
                }
            }
        }
    }

    private static byte[] readLibrary() throws IOException {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE_DIR + LIB_NAME)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("the jar does not contain " + RESOURCE_DIR + LIB_NAME);
            }
            return in.readAllBytes();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
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
