package com.walkindb.server.sql;

import com.walkindb.sqlite.Authorizer;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The authorizer of every walk-in connection (docs/SECURITY.md, layer 2): allowlists of introspection
 * PRAGMAs, functions and virtual-table modules; no TEMP objects; no ATTACH/DETACH (which is how
 * {@code VACUUM INTO} arrives); nothing that shows a server path.
 *
 * <p>Besides deciding, it remembers what it saw while the current statement compiled: the reason
 * of a denial (for the error message), whether the statement is a transaction command, and
 * whether it writes rows directly (for {@code rows_affected}). One instance per connection; used
 * only by the thread that owns the connection.
 */
final class CallAuthorizer implements Authorizer {
    static final Set<String> PRAGMAS = Set.of("table_info", "table_xinfo", "table_list", "index_list",
            "index_info", "index_xinfo", "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
            // read-only counter; FTS5 runs "PRAGMA main.data_version" itself on every write
            "data_version");
    static final Set<String> MODULES = Set.of("fts5", "fts5vocab");
    private static final Set<String> SCHEMA_TABLES = Set.of("sqlite_master", "sqlite_schema",
            "sqlite_temp_master", "sqlite_temp_schema");

    /** Transaction command of the statement being compiled. */
    enum TxCommand { NONE, BEGIN, COMMIT, ROLLBACK }

    private final BooleanSupplier pastDeadline;
    /** A PRAGMA was compiled since {@link #takePragmaSeen()} last asked, allowed or not. */
    private boolean pragmaSeen;
    private String denial;
    private boolean timedOut;
    private TxCommand txCommand = TxCommand.NONE;
    private boolean writesRows;
    private boolean schemaChange;

    /** {@code pastDeadline}: whether the call's deadline has passed (compiling stops then too). */
    CallAuthorizer(BooleanSupplier pastDeadline) {
        this.pastDeadline = pastDeadline;
    }

    /** True when compiling was refused because the call's deadline had passed. */
    boolean timedOut() {
        return timedOut;
    }

    /** Forget what the previous statement showed; call before compiling the next one. */
    void startStatement() {
        denial = null;
        timedOut = false;
        txCommand = TxCommand.NONE;
        writesRows = false;
        schemaChange = false;
    }

    String denial() {
        return denial;
    }

    TxCommand txCommand() {
        return txCommand;
    }

    /**
     * True for INSERT, REPLACE, UPDATE and DELETE statements. DDL never counts, though SQLite
     * reports a DROP TABLE as a DELETE on the table too.
     */
    boolean writesRows() {
        return writesRows && !schemaChange;
    }

    @Override
    public int authorize(int action, String arg1, String arg2, String database, String trigger) {
        if (pastDeadline.getAsBoolean()) {
            timedOut = true; // compiling long past the deadline: stop at the next chance
            return DENY;
        }
        String what = decide(action, arg1, arg2, database, trigger);
        if (what == null) {
            return OK;
        }
        if (denial == null) {
            denial = what;
        }
        return DENY;
    }

    /**
     * Whether any PRAGMA was compiled since the last time this was asked (then clears it). No SQL
     * can change the connection's limits or switches: {@code sqlite3_limit} and
     * {@code sqlite3_db_config} are C calls, and the pragmas that mirror switches
     * ({@code foreign_keys}, {@code trusted_schema}, {@code writable_schema}) are refused above.
     * The connection re-applies them after a call that compiled a PRAGMA all the same, so a hole
     * in that list could not outlast the call.
     */
    boolean takePragmaSeen() {
        boolean seen = pragmaSeen;
        pragmaSeen = false;
        return seen;
    }

    /** Null when allowed, else what the error message calls the refused thing. */
    private String decide(int action, String arg1, String arg2, String database, String trigger) {
        boolean temp = "temp".equalsIgnoreCase(database);
        switch (action) {
            case SELECT, RECURSIVE, REINDEX, ANALYZE, SAVEPOINT:
                return null;
            case TRANSACTION:
                txCommand = switch (arg1 == null ? "" : arg1.toUpperCase(Locale.ROOT)) {
                    case "BEGIN" -> TxCommand.BEGIN;
                    case "COMMIT" -> TxCommand.COMMIT;
                    case "ROLLBACK" -> TxCommand.ROLLBACK;
                    default -> TxCommand.NONE;
                };
                return null;
            case READ:
                return readable(arg1);
            case INSERT, UPDATE, DELETE: {
                boolean schemaTable = arg1 != null && SCHEMA_TABLES.contains(arg1.toLowerCase(Locale.ROOT));
                if (temp && !schemaTable) {
                    // ALTER TABLE rewrites temp.sqlite_master itself; callers cannot write schema
                    // tables, and TEMP objects are refused where they are created.
                    return "TEMP table";
                }
                if (trigger == null && !schemaTable) {
                    writesRows = true;
                }
                return null;
            }
            case CREATE_TABLE, CREATE_INDEX, CREATE_TRIGGER, CREATE_VIEW, DROP_TABLE, DROP_INDEX, DROP_TRIGGER,
                 DROP_VIEW, ALTER_TABLE:
                schemaChange = true;
                return temp ? "TEMP " + objectKind(action) : null;
            case CREATE_TEMP_TABLE, DROP_TEMP_TABLE:
                return "TEMP table";
            case CREATE_TEMP_INDEX, DROP_TEMP_INDEX:
                return "TEMP index";
            case CREATE_TEMP_TRIGGER, DROP_TEMP_TRIGGER:
                return "TEMP trigger";
            case CREATE_TEMP_VIEW, DROP_TEMP_VIEW:
                return "TEMP view";
            case CREATE_VTABLE, DROP_VTABLE: {
                schemaChange = true;
                String module = arg2 == null ? "" : arg2.toLowerCase(Locale.ROOT);
                if (temp) {
                    return "TEMP table";
                }
                return MODULES.contains(module) ? null : "virtual table module " + arg2;
            }
            case FUNCTION: {
                String name = arg2 == null ? "" : arg2.toLowerCase(Locale.ROOT);
                return FunctionAllowlist.FUNCTIONS.contains(name) || FunctionAllowlist.INTERNAL.contains(name)
                        ? null : "function " + name;
            }
            case PRAGMA: {
                pragmaSeen = true;
                String name = arg1 == null ? "" : arg1.toLowerCase(Locale.ROOT);
                return PRAGMAS.contains(name) ? null : "PRAGMA " + name;
            }
            case ATTACH:
                return "ATTACH";
            case DETACH:
                return "DETACH";
            default:
                return "operation " + action;
        }
    }

    /** Reads are allowed except of PRAGMA table-valued functions outside the allowlist. */
    private static String readable(String table) {
        if (table == null) {
            return null;
        }
        String t = table.toLowerCase(Locale.ROOT);
        if (t.startsWith("pragma_")) {
            String pragma = t.substring("pragma_".length());
            return PRAGMAS.contains(pragma) ? null : "PRAGMA " + pragma;
        }
        return null;
    }

    private static String objectKind(int action) {
        return switch (action) {
            case CREATE_INDEX, DROP_INDEX -> "index";
            case CREATE_TRIGGER, DROP_TRIGGER -> "trigger";
            case CREATE_VIEW, DROP_VIEW -> "view";
            default -> "table";
        };
    }
}
