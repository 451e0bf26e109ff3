package com.walkindb.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.Locale;

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

    private static final Path PATH = locate();
    private static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup(PATH, Arena.global());

    private NativeLibrary() {}

    static SymbolLookup lookup() {
        return LOOKUP;
    }

    /** The file the library was loaded from. */
    static Path path() {
        return PATH;
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
        try {
            sha = readResource(RESOURCE_DIR + LIB_NAME + ".sha256").trim().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("cannot read walkindb's SQLite library from the jar: " + e);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "walkindb-native-" + sha.substring(0, 16));
        Path lib = dir.resolve(LIB_NAME);
        if (isCopy(lib, sha)) {
            return lib;
        }
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE_DIR + LIB_NAME)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("the jar does not contain " + RESOURCE_DIR + LIB_NAME);
            }
            extract(in, sha, dir, lib);
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("cannot read walkindb's SQLite library from the jar: " + e);
        }
        return lib;
    }

    /** Whether {@code lib} is a regular file whose SHA-256 is {@code sha}. */
    static boolean isCopy(Path lib, String sha) {
        if (!Files.isRegularFile(lib)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(lib)) {
            return sha.equals(sha256(in));
        } catch (IOException unreadable) {
            return false;
        }
    }

    /**
     * Copies {@code library} (whose SHA-256 must be {@code sha}) to a temp file beside {@code lib}
     * and renames it into place; never leaves the temp file behind.
     */
    static void extract(InputStream library, String sha, Path dir, Path lib) {
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, LIB_NAME, ".part");
            String copied;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                copied = sha256(new TeeInputStream(library, out));
            }
            if (!copied.equals(sha)) {
                throw new UnsatisfiedLinkError("the jar's " + LIB_NAME + " does not match its .sha256");
            }
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

    /** Reads {@code in} to its end in small pieces and returns its SHA-256 in hex. */
    static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        byte[] buffer = new byte[16 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Writes what is read through it to {@code copy} as well. */
    private static final class TeeInputStream extends java.io.FilterInputStream {
        private final OutputStream copy;

        TeeInputStream(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
            }
            return n;
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
