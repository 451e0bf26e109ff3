package com.walkindb.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The raw C entry points of SQLite, one method handle each. Package-private: only the typed
 * classes of this package touch native memory.
 *
 * <p>Calls that can never re-enter Java (no authorizer or progress upcall) and return quickly are
 * linked as "critical", which skips the thread-state transition; everything that may run SQL
 * (prepare, step, exec, close) is linked normally so the upcalls are legal.
 */
final class Sqlite3 {
    private static final Linker LINKER = Linker.nativeLinker();

    static final int OK = 0, ROW = 100, DONE = 101;
    static final int OPEN_READWRITE = 0x2, OPEN_CREATE = 0x4, OPEN_NOMUTEX = 0x8000;
    static final int OPEN_NOFOLLOW = 0x01000000, OPEN_EXRESCODE = 0x02000000;
    static final int PREPARE_PERSISTENT = 0x01;
    static final MemorySegment TRANSIENT = MemorySegment.ofAddress(-1L);
    static final byte UTF8 = 1;

    static final MethodHandle open_v2 = fn("sqlite3_open_v2", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    static final MethodHandle close_v2 = fn("sqlite3_close_v2", JAVA_INT, ADDRESS);
    static final MethodHandle exec = fn("sqlite3_exec", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle prepare_v3 = fn("sqlite3_prepare_v3", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle step = fn("sqlite3_step", JAVA_INT, ADDRESS);
    static final MethodHandle reset = fn("sqlite3_reset", JAVA_INT, ADDRESS);
    static final MethodHandle finalize_ = fn("sqlite3_finalize", JAVA_INT, ADDRESS);
    static final MethodHandle wal_checkpoint_v2 = fn("sqlite3_wal_checkpoint_v2", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle set_authorizer = fn("sqlite3_set_authorizer", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle progress_handler = fnVoid("sqlite3_progress_handler", ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle busy_timeout = fn("sqlite3_busy_timeout", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle db_config_int = LINKER.downcallHandle(
            NativeLibrary.lookup().findOrThrow("sqlite3_db_config"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
            Linker.Option.firstVariadicArg(2));

    static final MethodHandle test_control_db_int = LINKER.downcallHandle(
            NativeLibrary.lookup().findOrThrow("sqlite3_test_control"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.firstVariadicArg(1));

    // Safe to call from any thread at any time while the connection is open.
    static final MethodHandle interrupt = fnVoid("sqlite3_interrupt", ADDRESS);

    // Quick accessors: critical downcalls.
    static final MethodHandle errmsg = critical("sqlite3_errmsg", ADDRESS, ADDRESS);
    static final MethodHandle extended_errcode = critical("sqlite3_extended_errcode", JAVA_INT, ADDRESS);
    static final MethodHandle limit = critical("sqlite3_limit", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    static final MethodHandle changes64 = critical("sqlite3_changes64", JAVA_LONG, ADDRESS);
    static final MethodHandle get_autocommit = critical("sqlite3_get_autocommit", JAVA_INT, ADDRESS);
    static final MethodHandle stmt_readonly = critical("sqlite3_stmt_readonly", JAVA_INT, ADDRESS);
    static final MethodHandle stmt_isexplain = critical("sqlite3_stmt_isexplain", JAVA_INT, ADDRESS);
    static final MethodHandle bind_parameter_count = critical("sqlite3_bind_parameter_count", JAVA_INT, ADDRESS);
    static final MethodHandle bind_parameter_name = critical("sqlite3_bind_parameter_name", ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle bind_int64 = critical("sqlite3_bind_int64", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG);
    static final MethodHandle bind_double = critical("sqlite3_bind_double", JAVA_INT, ADDRESS, JAVA_INT, JAVA_DOUBLE);
    static final MethodHandle bind_null = critical("sqlite3_bind_null", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle bind_text64 = critical("sqlite3_bind_text64", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_BYTE);
    static final MethodHandle bind_blob64 = critical("sqlite3_bind_blob64", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS);
    static final MethodHandle column_count = critical("sqlite3_column_count", JAVA_INT, ADDRESS);
    static final MethodHandle column_name = critical("sqlite3_column_name", ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle column_type = critical("sqlite3_column_type", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle column_int64 = critical("sqlite3_column_int64", JAVA_LONG, ADDRESS, JAVA_INT);
    static final MethodHandle column_double = critical("sqlite3_column_double", JAVA_DOUBLE, ADDRESS, JAVA_INT);
    static final MethodHandle column_text = critical("sqlite3_column_text", ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle column_blob = critical("sqlite3_column_blob", ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle column_bytes = critical("sqlite3_column_bytes", JAVA_INT, ADDRESS, JAVA_INT);

    // Process-wide.
    static final MethodHandle libversion = critical("sqlite3_libversion", ADDRESS);
    static final MethodHandle compileoption_used = critical("sqlite3_compileoption_used", JAVA_INT, ADDRESS);
    static final MethodHandle hard_heap_limit64 = critical("sqlite3_hard_heap_limit64", JAVA_LONG, JAVA_LONG);
    static final MethodHandle memory_used = critical("sqlite3_memory_used", JAVA_LONG);

    static final FunctionDescriptor AUTHORIZER_SIGNATURE =
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    static final FunctionDescriptor PROGRESS_SIGNATURE = FunctionDescriptor.of(JAVA_INT, ADDRESS);

    private Sqlite3() {}

    private static MethodHandle fn(String name, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(NativeLibrary.lookup().findOrThrow(name), FunctionDescriptor.of(result, args));
    }

    private static MethodHandle fnVoid(String name, MemoryLayout... args) {
        return LINKER.downcallHandle(NativeLibrary.lookup().findOrThrow(name), FunctionDescriptor.ofVoid(args));
    }

    private static MethodHandle critical(String name, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(NativeLibrary.lookup().findOrThrow(name), FunctionDescriptor.of(result, args),
                Linker.Option.critical(false));
    }

    /** Reads a NUL-terminated UTF-8 string that SQLite owns; null for a NULL pointer. */
    static String string(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
