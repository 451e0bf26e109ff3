package com.walkindb.server.sql;

import com.walkindb.sqlite.SqliteConnection;
import com.walkindb.sqlite.SqliteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of an empty database already in WAL mode. A new walk-in's {@code db.sqlite} is a copy
 * of them: switching a fresh file to WAL would otherwise write a rollback journal and sync it on
 * every creation.
 *
 * <p>Built on first use and kept. Building needs a few KB of disk; on a full volume it fails, and
 * the server starts anyway (it must, to serve reads and sweep expired walk-ins): the next walk-in
 * creation tries again, and while the volume is full the disk guard refuses creations anyway.
 */
public final class DatabaseTemplate {
    private final Path scratchDir;
    private volatile byte[] bytes;

    /** {@code scratchDir}: where the template is built (left as it was afterwards). */
    public DatabaseTemplate(Path scratchDir) {
        this.scratchDir = scratchDir;
    }

    /** The template's bytes (shared: never modify them), built now if not yet. */
    public byte[] bytes() throws IOException {
        byte[] b = bytes;
        if (b == null) {
            synchronized (this) {
                b = bytes;
                if (b == null) {
                    b = build(scratchDir);
                    bytes = b;
                }
            }
        }
        return b;
    }

    /** Builds the template in {@code scratchDir} (left empty afterwards) and returns its bytes. */
    static byte[] build(Path scratchDir) throws IOException {
        Path file = Files.createTempFile(scratchDir, "template", ".sqlite");
        Files.delete(file); // SQLite creates it
        try {
            try (SqliteConnection c = SqliteConnection.open(file, true)) {
                c.exec("PRAGMA journal_mode=WAL; PRAGMA user_version=0");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0 || bytes[18] != 2 || bytes[19] != 2) {
                throw new IOException("the database template is not in WAL mode");
            }
            return bytes;
        } catch (SqliteException e) {
            throw new IOException("cannot build the database template in " + scratchDir + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(Path.of(file + "-wal"));
            Files.deleteIfExists(Path.of(file + "-shm"));
            Files.deleteIfExists(Path.of(file + "-journal"));
        }
    }
}
