package com.walkindb.server.config;

/**
 * Where tenant SQL runs (docs/SECURITY.md, layer 6c).
 *
 * @param mode        WALKINDB_ISOLATION: {@code process} runs SQL in worker JVMs the server can kill;
 *                    {@code inprocess} runs it in the server's own process (no hard deadline)
 * @param workers     WALKINDB_WORKERS, worker processes (a spare is started beside them)
 * @param memoryBytes WALKINDB_WORKER_MEMORY_MB, the memory cap of each worker (cgroup, else address space)
 * @param warmSpares  WALKINDB_WORKER_WARMUP: a spare runs its code paths before it is ready, so the
 *                    calls it takes over from a killed worker are not its first ever (costs up to
 *                    3 s of one core per spare start; off suits boxes that start servers often)
 */
public record Isolation(Mode mode, int workers, long memoryBytes, boolean warmSpares) {
    public enum Mode { PROCESS, INPROCESS }

    /** The default mode: worker processes where the server knows how to start and confine them. */
    public static Mode defaultMode() {
        return System.getProperty("os.name").startsWith("Linux") && "amd64".equals(System.getProperty("os.arch"))
                ? Mode.PROCESS : Mode.INPROCESS;
    }

    /**
     * Two workers on up to 7 cores, then one per 4 cores, at most 8. A worker runs many calls at
     * once (one thread each), so more workers do not add speed; they shrink what one kill takes
     * down with it (the calls in flight on that worker) and cost a JVM each at rest.
     */
    public static int defaultWorkers(int cores) {
        return Math.max(2, Math.min(8, cores / 4));
    }

    public boolean processes() {
        return mode == Mode.PROCESS;
    }
}
