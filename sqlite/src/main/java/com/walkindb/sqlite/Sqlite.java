package com.walkindb.sqlite;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Process-wide facts and switches of the SQLite library. */
public final class Sqlite {
    private Sqlite() {}

    /**
     * The library file this process loaded (loading it if it was not yet): another process of the
     * same build (a SQL worker) can load the same file instead of extracting its own copy.
     */
    public static java.nio.file.Path libraryPath() {
        return NativeLibrary.path();
    }

    /** The library's version, e.g. "3.54.1". */
    public static String version() {
        try {
            return Sqlite3.string((MemorySegment) Sqlite3.libversion.invokeExact());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Whether the library was compiled with the option (name without the SQLITE_ prefix). */
    public static boolean compileOptionUsed(String option) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) Sqlite3.compileoption_used.invokeExact(arena.allocateFrom(option)) != 0;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Caps SQLite's heap for the whole process: an allocation that would pass it fails with
     * SQLITE_NOMEM. Returns the previous limit.
     */
    public static long hardHeapLimit(long bytes) {
        try {
            return (long) Sqlite3.hard_heap_limit64.invokeExact(bytes);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Current hard heap limit (0 = none). */
    public static long hardHeapLimit() {
        return hardHeapLimit(-1);
    }

    /** Bytes SQLite has allocated right now. */
    public static long memoryUsed() {
        try {
            return (long) Sqlite3.memory_used.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
