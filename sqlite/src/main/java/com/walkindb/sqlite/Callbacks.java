package com.walkindb.sqlite;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two native upcall stubs (authorizer, progress handler), created once in the global arena
 * and shared by every connection. SQLite hands each call the connection's id as its user-data
 * pointer; the id finds the connection here. Nothing may escape an upcall, so both catch every
 * throwable and answer "deny" / "interrupt".
 */
final class Callbacks {
    private static final ConcurrentHashMap<Long, SqliteConnection> CONNECTIONS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    static final MemorySegment AUTHORIZER_STUB;
    static final MemorySegment PROGRESS_STUB;

    static {
        try {
            var lookup = MethodHandles.lookup();
            var auth = lookup.findStatic(Callbacks.class, "authorize", MethodType.methodType(int.class,
                    MemorySegment.class, int.class, MemorySegment.class, MemorySegment.class,
                    MemorySegment.class, MemorySegment.class));
            var progress = lookup.findStatic(Callbacks.class, "progress",
                    MethodType.methodType(int.class, MemorySegment.class));
            Linker linker = Linker.nativeLinker();
            AUTHORIZER_STUB = linker.upcallStub(auth, Sqlite3.AUTHORIZER_SIGNATURE, Arena.global());
            PROGRESS_STUB = linker.upcallStub(progress, Sqlite3.PROGRESS_SIGNATURE, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Callbacks() {}

    static long register(SqliteConnection connection) {
        long id = IDS.incrementAndGet();
        CONNECTIONS.put(id, connection);
        return id;
    }

    static void unregister(long id) {
        CONNECTIONS.remove(id);
    }

    @SuppressWarnings("UnusedMethod") // reached through AUTHORIZER_STUB, an upcall found by name
    private static int authorize(MemorySegment userData, int action, MemorySegment a1, MemorySegment a2,
                                 MemorySegment db, MemorySegment trigger) {
        try {
            SqliteConnection c = CONNECTIONS.get(userData.address());
            if (c == null) {
                return Authorizer.DENY;
            }
            return c.authorize(action, Sqlite3.string(a1), Sqlite3.string(a2), Sqlite3.string(db),
                    Sqlite3.string(trigger));
        } catch (Throwable t) {
            return Authorizer.DENY;
        }
    }

    @SuppressWarnings("UnusedMethod") // reached through the progress upcall stub, found by name
    private static int progress(MemorySegment userData) {
        try {
            SqliteConnection c = CONNECTIONS.get(userData.address());
            return c == null || c.deadlinePassed() ? 1 : 0;
        } catch (Throwable t) {
            return 1;
        }
    }
}
