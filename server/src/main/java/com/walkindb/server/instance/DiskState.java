package com.walkindb.server.instance;

/**
 * What a call needs to know of the data volume: whether growing writes are refused now, and
 * whether a write that just failed is the volume's doing. {@link DiskGuard} answers both in the
 * process that owns it; a SQL worker process answers with what the supervisor sent along with
 * the call, checked against its own view of the volume.
 */
public interface DiskState {
    /** True while new walk-ins and growing writes are refused (cheap: no I/O). */
    boolean tripped();

    /** Whether the volume is (nearly) full now; only on failure paths, so it may read the volume. */
    boolean nearlyFullNow();
}
