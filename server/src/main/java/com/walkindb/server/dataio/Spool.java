package com.walkindb.server.dataio;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where uploads to POST /import land while they stream in: {@code DATA/spool/}, which only the
 * server process writes (a SQL worker's jail has no access to it). A complete upload is moved,
 * under the walk-in's gate, to the walk-in's {@link DataFiles#IMPORT} file, where the job reads
 * it; it is deleted on every path after. What a crash left behind is cleared at start-up.
 */
public final class Spool {
    public static final String DIR = "spool";

    private final Path dir;

    private Spool(Path dir) {
        this.dir = dir;
    }

    /** The spool of {@code dataDir}, emptied of files left by an earlier run. */
    public static Spool open(Path dataDir) throws IOException {
        Path dir = dataDir.resolve(DIR);
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
        return new Spool(dir);
    }

    /** A new empty file for one upload (a random name: two uploads never meet). */
    public Path newFile() throws IOException {
        return Files.createTempFile(dir, "upload-", ".part");
    }

    /** Moves a complete upload to where the walk-in's import job reads it (same volume: a rename). */
    public static Path moveInto(Path upload, Path walkinDir) throws IOException {
        return Files.move(upload, DataFiles.importFile(walkinDir), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    public static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover in the spool goes at the next start; one in a walk-in with the walk-in
        }
    }
}
