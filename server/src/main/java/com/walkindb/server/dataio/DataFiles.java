package com.walkindb.server.dataio;

import java.nio.file.Path;

/**
 * The fixed names, inside a walk-in's directory, of the files its data jobs read and write.
 * Both processes derive them from the walk-in's id; no name ever comes from a request. Each
 * lives only while its request holds the walk-in's gate (the export's is unlinked while still
 * open, and streamed from the open file after), and {@code InstanceStore.delete} removes
 * whatever a crash left behind with the walk-in.
 */
public final class DataFiles {
    /** The upload being imported (moved in from the spool directory under the gate). */
    public static final String IMPORT = "import.spool";
    /** A database snapshot being exported. */
    public static final String EXPORT_SQLITE = "export.sqlite";
    /** A dump being exported. */
    public static final String EXPORT_SQL = "export.sql";

    private DataFiles() {}

    public static Path importFile(Path walkinDir) {
        return walkinDir.resolve(IMPORT);
    }

    public static Path exportFile(Path walkinDir, boolean sql) {
        return walkinDir.resolve(sql ? EXPORT_SQL : EXPORT_SQLITE);
    }
}
