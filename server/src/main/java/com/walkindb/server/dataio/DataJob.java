package com.walkindb.server.dataio;

/**
 * A piece of data work on one walk-in that runs where its SQL runs (a SQL worker process, or the
 * server with {@code WALKINDB_ISOLATION=inprocess}), under the walk-in's gate, on the files of
 * {@link DataFiles} inside the walk-in's own directory: never a path from the caller.
 */
public sealed interface DataJob {
    /** Write a consistent snapshot of the database ({@code sql}: as a dump script) to {@link DataFiles}. */
    record Export(boolean sql) implements DataJob {}

    /** Load the spooled CSV into {@code table}; {@code header}: its first row names the columns. */
    record ImportCsv(String table, boolean header) implements DataJob {}

    /** Run the spooled SQL script as one transaction, as POST /sql runs a call. */
    record ImportSql() implements DataJob {}
}
