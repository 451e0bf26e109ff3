package com.walkindb.server.dataio;

import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.WalkinConnection;
import com.walkindb.sqlite.ResultCodes;
import com.walkindb.sqlite.SqliteException;

/** What a SQLite failure during a data job comes to, as for a call (docs/API.md, errors). */
final class SqlFailure {
    private SqlFailure() {}

    static CallOutcome of(WalkinConnection connection, SqliteException e) {
        if (connection.sqlite().deadlineHit() || connection.sqlite().deadlinePassed()) {
            return new CallOutcome.Timeout();
        }
        int code = e.primaryCode();
        if ((code == ResultCodes.FULL || code == ResultCodes.IOERR) && connection.storageRefused()) {
            return new CallOutcome.ServerStorageFull(); // the volume's, not the walk-in's 10 MB
        }
        return switch (code) {
            case ResultCodes.FULL -> new CallOutcome.StorageFull();
            case ResultCodes.NOMEM -> new CallOutcome.OutOfMemory();
            case ResultCodes.CANTOPEN -> new CallOutcome.InstanceGone();
            default -> new CallOutcome.InvalidSql(e.getMessage(), null, 0);
        };
    }
}
