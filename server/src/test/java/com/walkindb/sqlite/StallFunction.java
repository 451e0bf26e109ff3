package com.walkindb.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Test only, never in the server: gives every SQLite connection the process opens from now on a
 * one-argument {@code random(ms)} (SQLite's own {@code random()} takes none, and the authorizer
 * allows the name) that holds its call inside {@code sqlite3_step} for {@code ms} milliseconds.
 * It stands for any native work that outlasts the deadline (a super-linear built-in on a large
 * input): SQLite consults no progress handler inside a function, and {@code sqlite3_interrupt}
 * takes effect only once it returns. Registered through {@code sqlite3_auto_extension}, so no
 * server code knows about it. Prints {@code STALL <ms>} on {@code out} when a stall begins.
 */
public final class StallFunction {
    private static final int SQLITE_UTF8 = 1;
    private static final Linker LINKER = Linker.nativeLinker();
    private static MethodHandle createFunction;
    private static MethodHandle valueInt64;
    private static MemorySegment stallStub;
    private static PrintStream out;

    private StallFunction() {}

    /** Installs the auto-extension; call before the server opens its first walk-in. */
    public static synchronized void register(PrintStream announce) throws Throwable {
        out = announce;
        var lookup = NativeLibrary.lookup();
        createFunction = LINKER.downcallHandle(lookup.findOrThrow("sqlite3_create_function_v2"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                        ADDRESS, ADDRESS));
        valueInt64 = LINKER.downcallHandle(lookup.findOrThrow("sqlite3_value_int64"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS), Linker.Option.critical(false));
        MethodHandles.Lookup self = MethodHandles.lookup();
        stallStub = LINKER.upcallStub(self.findStatic(StallFunction.class, "stall",
                        MethodType.methodType(void.class, MemorySegment.class, int.class, MemorySegment.class)),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS), Arena.global());
        MemorySegment entry = LINKER.upcallStub(self.findStatic(StallFunction.class, "onOpen",
                        MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, MemorySegment.class)),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), Arena.global());
        MethodHandle autoExtension = LINKER.downcallHandle(lookup.findOrThrow("sqlite3_auto_extension"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        int rc = (int) autoExtension.invokeExact(entry);
        if (rc != Sqlite3.OK) {
            throw new IllegalStateException("sqlite3_auto_extension: " + rc);
        }
    }

    /** SQLite's auto-extension entry point, run inside every sqlite3_open_v2. */
    @SuppressWarnings({"UnusedMethod", "UnusedVariable"}) // an upcall: SQLite's signature, found by name
    private static int onOpen(MemorySegment db, MemorySegment errorMessage, MemorySegment api) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) createFunction.invokeExact(db, arena.allocateFrom("random"), 1, SQLITE_UTF8,
                    MemorySegment.NULL, stallStub, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            return 1; // SQLITE_ERROR: the open fails, and the test with it
        }
    }

    @SuppressWarnings({"UnusedMethod", "UnusedVariable"}) // an upcall: SQLite's signature, found by name
    private static void stall(MemorySegment context, int argc, MemorySegment argv) {
        try {
            MemorySegment arg = argv.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0);
            long ms = (long) valueInt64.invokeExact(arg);
            out.println("STALL " + ms);
            out.flush();
            Thread.sleep(ms);
        } catch (Throwable t) {
            // nothing may escape an upcall; the function then returns NULL early
        }
    }
}
