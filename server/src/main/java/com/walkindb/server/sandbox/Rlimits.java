package com.walkindb.server.sandbox;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Resource limits of another process of ours, through {@code prlimit64(2)}. */
public final class Rlimits {
    private static final int PRLIMIT64 = 302;
    private static final int RLIMIT_AS = 9;

    private Rlimits() {}

    /** Caps the address space of process {@code pid} (soft and hard limit) at {@code bytes}. */
    public static void setAddressSpace(long pid, long bytes) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limit = arena.allocate(JAVA_LONG, 2);
            limit.setAtIndex(JAVA_LONG, 0, bytes);
            limit.setAtIndex(JAVA_LONG, 1, bytes);
            Syscalls.call(PRLIMIT64, pid, RLIMIT_AS, limit.address(), 0);
        } catch (ErrnoException e) {
            throw new IOException("prlimit64 failed: " + e.getMessage(), e);
        }
    }
}
