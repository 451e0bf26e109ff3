package com.walkindb.server.startup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Checks WALKINDB_DATA_DIR before anything else uses it (the sandbox makes its temp directory
 * there, the server its stores): created if missing, a directory, writable. One check with the
 * system's own reason instead of a failure somewhere later that names another path.
 */
public final class DataDirectory {
    private DataDirectory() {}

    /** Creates {@code dir} if needed and proves it writable by creating and deleting a file in it. */
    public static void check(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        Files.createDirectories(dir);
        Path probe = Files.createTempFile(dir, ".write-check-", "");
        Files.delete(probe);
    }
}
