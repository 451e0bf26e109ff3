package com.walkindb.server.sql;

import com.walkindb.sqlite.SqliteConnection;
import com.walkindb.sqlite.SqliteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of an empty database already in WAL mode, made once at start-up. A new walk-in's
 * {@code db.sqlite} is a copy of them: switching a fresh file to WAL would otherwise write a
 * rollback journal and sync it on every creation.
 */
public final class DatabaseTemplate {
    private DatabaseTemplate() {}

    /** Builds the template in {@code scratchDir} (left empty afterwards) and returns its bytes. */
    public static byte[] create(Path scratchDir) throws IOException {
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
            throw new IOException("cannot build the database template: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(Path.of(file + "-wal"));
            Files.deleteIfExists(Path.of(file + "-shm"));
        }
    }
}
