package com.walkindb.server.dataio;

import com.walkindb.server.config.DataIo;
import com.walkindb.server.config.Limits;
import com.walkindb.server.instance.DiskState;
import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.WalkinConnection;
import com.walkindb.sqlite.Limit;
import com.walkindb.sqlite.SqliteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Runs {@link DataJob}s where SQL runs (one code path for a SQL worker process and for the
 * in-process server), on a connection opened for the job alone with {@link #limits()}: the
 * deadline of WALKINDB_IMPORT_TIMEOUT_S instead of 2 s, and statements long enough for a dump's
 * INSERT of a 1 MB value. Everything else (authorizer, caps, 10 MB) is a call's.
 */
public final class DataJobs {
    /** Bytes 18 and 19 of a database file: 2 for WAL, 1 for a rollback journal. */
    private static final int FORMAT_VERSION_OFFSET = 18;

    private final Limits limits;
    private final AnswerMemory memory;
    private final int maxStatementChars;

    public DataJobs(Limits callLimits, DataIo dataIo, AnswerMemory memory) {
        // A dump writes a 1 MB BLOB as 2 MB of hex: each statement may be that long, and a bit.
        this.maxStatementChars = 2 * callLimits.sqliteLimits().get(Limit.LENGTH) + 65_536;
        this.limits = callLimits.withQueryDeadline(dataIo.timeout())
                .withSqliteLimit(Limit.SQL_LENGTH, 3 * maxStatementChars); // UTF-8: up to 3 bytes a char
        this.memory = memory;
    }

    /** The limits a job's connection opens with. */
    public Limits limits() {
        return limits;
    }

    /**
     * Runs {@code job} on the walk-in in {@code walkinDir} through {@code connection} (opened with
     * {@link #limits()}; the caller closes it, and it may already be closed when this returns).
     */
    public CallOutcome run(DataJob job, Path walkinDir, WalkinConnection connection, DiskState disk) {
        try {
            return switch (job) {
                case DataJob.ImportCsv csv -> CsvImport.run(DataFiles.importFile(walkinDir), connection, csv.table(),
                        csv.header());
                case DataJob.ImportSql sql -> SqlImport.run(DataFiles.importFile(walkinDir), connection, memory,
                        maxStatementChars);
                case DataJob.Export export -> export(export.sql(), walkinDir, connection, disk);
            };
        } catch (UncheckedIOException e) {
            if (disk.nearlyFullNow()) {
                return new CallOutcome.ServerStorageFull();
            }
            throw e;
        }
    }

    private CallOutcome export(boolean sql, Path walkinDir, WalkinConnection connection, DiskState disk) {
        Path out = DataFiles.exportFile(walkinDir, sql);
        boolean done = false;
        try {
            Files.deleteIfExists(out);
            connection.startDeadline();
            if (sql) {
                SqlDump.write(connection, out);
            } else {
                snapshot(connection, walkinDir.resolve("db.sqlite"), out);
            }
            done = true;
            return new CallOutcome.Success(new byte[0], 0, bytes -> { });
        } catch (SqliteException e) {
            return SqlFailure.of(connection, e);
        } catch (IOException e) {
            if (disk.nearlyFullNow()) {
                return new CallOutcome.ServerStorageFull();
            }
            throw new UncheckedIOException(e);
        } finally {
            connection.sqlite().clearDeadline();
            if (!done) {
                deleteQuietly(out);
            }
        }
    }

    /**
     * Everything in the main file (the WAL checkpointed and, with the connection closed, gone),
     * then a plain copy made a rollback-journal database, so that it opens anywhere as one file.
     * Under the walk-in's gate nobody else opens the file meanwhile.
     */
    private static void snapshot(WalkinConnection connection, Path db, Path out) throws SqliteException, IOException {
        connection.sqlite().checkpointTruncate();
        connection.close();
        Files.copy(db, out, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel f = FileChannel.open(out, StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.wrap(new byte[] {1, 1}), FORMAT_VERSION_OFFSET);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the walk-in's deletion removes it
        }
    }
}
