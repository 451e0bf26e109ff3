package com.walkindb.server.worker;

import com.walkindb.server.config.Config;
import com.walkindb.server.dataio.DataJob;
import com.walkindb.server.instance.DiskGuard;
import com.walkindb.server.instance.DiskState;
import com.walkindb.server.instance.WalkinCalls;
import com.walkindb.server.sql.BatchEntry;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Layer 6c (docs/SECURITY.md): tenant SQL runs in N worker JVMs, never in the HTTP process. Each
 * walk-in belongs to one worker (a stable hash of its id), so its open connection stays in one
 * place. A call that has not come back by its deadline plus {@link #GRACE} is answered 408 and
 * its worker killed (SIGKILL): a native SQLite call cannot be interrupted, a process can. A
 * pre-started spare takes the dead worker's place at once, so no caller waits for a JVM to
 * start; the other calls that were on the killed worker end 503 (nothing of them committed).
 * A worker that dies by itself (a crash, the OOM killer) is replaced the same way.
 */
public final class WorkerPool implements WalkinCalls {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
    /** How far past its deadline a call may run before its worker is killed. */
    public static final Duration GRACE = Duration.ofSeconds(1);
    /** How often the watchdog looks for calls past their deadline and the grace. */
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(100);
    /** How long start-up waits for the first workers. */
    private static final Duration START_WAIT = Duration.ofMinutes(2);
    /** Causes of restarts kept for the status. */
    private static final int RECENT_RESTARTS = 16;
    /** How long the sweeper waits for a worker to close a walk-in's files before deleting them. */
    private static final long EVICT_WAIT_SECONDS = 2;
    /**
     * After a spare took a killed worker's place, the next spare starts this much later: a JVM
     * start takes a core for a second, and on a small box it would slow down the new worker's
     * first calls (reopening every walk-in of the slot) just when callers wait for them.
     */
    private static final long TAKEOVER_PAUSE_MS = 1000;

    /** One restart: which worker, when (epoch ms), why. */
    public record Restart(String worker, long atMillis, String cause) {}

    /** Why a worker was replaced, as the metrics count it. */
    public enum RestartCause {
        /** A call ran past its deadline and the grace: killed. */
        DEADLINE,
        /** It died by itself (a crash, the OOM killer, a memory cap). */
        DIED
    }

    /**
     * The workers' own figures, summed over the slots; the hits and misses of replaced workers stay
     * in the sum (as of their last STATS frame), so the counters only grow.
     */
    public record Figures(long cacheHits, long cacheMisses, int cacheSize, long answerMemoryHeld) {}

    /** One worker as the status shows it. */
    public record WorkerStatus(String name, long pid, int callsInFlight, boolean ready) {}

    private final WorkerLaunch launch;
    private final WorkerCaps caps;
    private final AtomicReferenceArray<WorkerProcess> slots;
    private final long hardDeadlineNanos;
    private final long jobLimitNanos;
    private final long readyWaitNanos;
    private final AtomicLong callIds = new AtomicLong();
    private final AtomicInteger names = new AtomicInteger();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLongArray restartsByCause = new AtomicLongArray(RestartCause.values().length);
    /** Cache hits and misses of the workers replaced so far. */
    private final AtomicLong retiredHits = new AtomicLong();
    private final AtomicLong retiredMisses = new AtomicLong();
    private final List<Restart> recent = new ArrayList<>(); // guarded by itself
    private final ScheduledExecutorService starter;
    private volatile WorkerProcess spare;
    private volatile long lastEarlyDeath;
    private volatile boolean closed;
    private final boolean warmSpares;

    private WorkerPool(Config config, int workers) {
        this.warmSpares = config.isolation().warmSpares();
        this.launch = new WorkerLaunch(config, WorkerSettings.of(config, workers));
        this.caps = WorkerCaps.detect(config.workerMemoryBytes());
        this.slots = new AtomicReferenceArray<>(workers);
        this.hardDeadlineNanos = config.limits().queryDeadline().plus(GRACE).toNanos();
        this.jobLimitNanos = config.dataIo().timeout().plus(GRACE).toNanos();
        this.readyWaitNanos = config.limits().gateWait().toNanos();
        this.starter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "walkindb-worker-starter");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts {@code workers} workers; returns once they are ready, with the spare starting. */
    public static WorkerPool start(Config config, int workers) throws IOException {
        WorkerPool pool = new WorkerPool(config, workers);
        LOG.info("SQL workers: {} processes and a spare; each call past its deadline by {} s kills its worker; {}",
                workers, GRACE.toSeconds(), pool.caps.describe());
        Warmup.deleteTree(Warmup.root(config.dataDir())); // scratch left by workers killed while warming up
        for (int i = 0; i < workers; i++) {
            pool.slots.set(i, pool.launch(false));
        }
        for (int i = 0; i < workers; i++) {
            WorkerProcess w = pool.slots.get(i);
            try {
                w.ready().get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException | InterruptedException e) {
                pool.close();
                throw new IOException("SQL worker " + w.name() + " did not start: "
                        + (w.cause() != null ? w.cause() : e.toString()));
            }
        }
        // The spare starts once the workers are up: on a small box it would only slow their start.
        pool.startSpare(0);
        Thread.ofPlatform().daemon().name("walkindb-worker-watchdog").start(pool::watch);
        return pool;
    }

    /**
     * {@code warm}: the worker warms up before it says READY. Spares do, since they take over
     * from a killed worker with its callers waiting; the first N do not, so start-up stays quick.
     */
    private WorkerProcess launch(boolean warm) throws IOException {
        String name = "worker-" + names.incrementAndGet();
        WorkerProcess w = new WorkerProcess(name, launch.start(warm), this::exited);
        String capped = caps.apply(w.pid(), name);
        var unusedLog = w.ready().thenAccept(sandbox -> LOG.info("SQL {} ready: {}; {}", name, sandbox, capped));
        return w;
    }

    @Override
    public CallOutcome execute(UUID id, String sql, CallArgs args, DiskState disk) throws InterruptedException {
        return await(id, (w, callId) -> w.send(callId, id, diskFlags(disk), sql, args));
    }

    @Override
    public CallOutcome executeBatch(UUID id, List<BatchEntry> entries, DiskState disk) throws InterruptedException {
        return await(id, (w, callId) -> w.sendBatch(callId, id, diskFlags(disk), entries));
    }

    /** How a call goes to its worker: one frame, whose outcome the future completes with. */
    private interface Sender {
        CompletableFuture<CallOutcome> send(WorkerProcess w, long callId);
    }

    /** Sends the call to the worker of its walk-in's slot and waits for the outcome. */
    private CallOutcome await(UUID id, Sender sender) throws InterruptedException {
        int slot = slotOf(id);
        WorkerProcess w = slots.get(slot);
        if (!w.isReady()) {
            w = awaitReady(slot);
            if (w == null) {
                return new CallOutcome.WorkerLost();
            }
        }
        long callId = callIds.incrementAndGet();
        CompletableFuture<CallOutcome> outcome = sender.send(w, callId);
        try {
            // No timer per call: the watchdog answers a call that overruns (408) and kills its worker.
            return outcome.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * A data job on the walk-in's worker; like a call, but its deadline is WALKINDB_IMPORT_TIMEOUT_S,
     * and a job that overruns it by {@link #GRACE} is answered 408 with its worker killed.
     */
    @Override
    public CallOutcome job(UUID id, DataJob job, DiskState disk) throws InterruptedException {
        int slot = slotOf(id);
        WorkerProcess w = slots.get(slot);
        if (!w.isReady()) {
            w = awaitReady(slot);
            if (w == null) {
                return new CallOutcome.WorkerLost();
            }
        }
        CompletableFuture<CallOutcome> outcome = w.sendJob(callIds.incrementAndGet(), id, diskFlags(disk), job,
                jobLimitNanos);
        try {
            return outcome.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Ten times a second: a call older than its deadline plus the grace is answered 408 and its
     * worker killed. One thread for all calls instead of a timer each, which cost every call a
     * scheduled task; the price is up to 0.1 s more before an overrunning call is answered.
     */
    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(WATCH_INTERVAL); // a period, not a synchronisation
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (int i = 0; i < slots.length(); i++) {
                WorkerProcess w = slots.get(i);
                WorkerProcess.Pending late = w == null ? null : w.takeOverdue(now, hardDeadlineNanos);
                if (late != null) {
                    // Killed and replaced before the caller hears 408: a retry finds the new worker.
                    replace(w, RestartCause.DEADLINE, "a call on walk-in " + late.walkin() + " ran "
                            + GRACE.toSeconds() + " s past its deadline", null);
                    late.outcome().complete(new CallOutcome.Timeout());
                }
            }
        }
    }

    /** The worker of a slot that is still starting (a spare was not ready): waits a gate wait at most. */
    private WorkerProcess awaitReady(int slot) throws InterruptedException {
        long end = System.nanoTime() + readyWaitNanos;
        while (!closed) {
            WorkerProcess w = slots.get(slot);
            try {
                w.ready().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (w.isReady()) {
                    return w;
                }
            } catch (ExecutionException e) {
                // died while starting: its replacement is in the slot now, or soon
                Thread.onSpinWait();
            } catch (TimeoutException e) {
                return null;
            }
            if (System.nanoTime() >= end) {
                return null;
            }
        }
        return null;
    }

    int slotOf(UUID id) {
        return Math.floorMod(Long.hashCode(id.getLeastSignificantBits()), slots.length());
    }

    private static int diskFlags(DiskState disk) {
        int flags = disk.tripped() ? Frames.DISK_TRIPPED : 0;
        if (disk instanceof DiskGuard guard && guard.nearlyFull()) {
            flags |= Frames.DISK_NEARLY_FULL;
        }
        return flags;
    }

    /** The reader of {@code w} saw its output end. */
    private void exited(WorkerProcess w) {
        if (closed || w.isDead()) {
            return; // stopped, or killed by us (already replaced)
        }
        if (!w.isReady() && w.ageNanos() < TimeUnit.SECONDS.toNanos(10)) {
            lastEarlyDeath = System.nanoTime();
        }
        String readerCause = w.cause();
        // Its exit status can take a while to arrive (the kernel tears the process down first):
        // the spare takes over before anyone waits for it.
        replace(w, RestartCause.DIED, "it died by itself",
                () -> w.exitDescription() + (readerCause != null ? ", " + readerCause : ""));
    }

    /**
     * Kills {@code w} (if nobody did yet), puts the spare in its place, starts a new spare, and
     * only then fails the calls that were waiting on {@code w}; then records and logs why, with
     * {@code detail} (may be null) read last.
     */
    private void replace(WorkerProcess w, RestartCause kind, String why, Supplier<String> detail) {
        if (!w.kill(why)) {
            return;
        }
        String successor = null;
        boolean wasSpare = false;
        try {
            if (!closed) {
                wasSpare = w == spare;
                successor = takePlace(w);
            }
        } finally {
            w.failPending();
        }
        if (!wasSpare) {
            retiredHits.addAndGet(w.stats().cacheHits());
            retiredMisses.addAndGet(w.stats().cacheMisses());
        }
        String cause = detail == null ? why : why + ": " + detail.get();
        long n = restarts.incrementAndGet();
        restartsByCause.incrementAndGet(kind.ordinal());
        synchronized (recent) {
            if (recent.size() == RECENT_RESTARTS) {
                recent.remove(0);
            }
            recent.add(new Restart(w.name(), System.currentTimeMillis(), cause));
        }
        if (wasSpare) {
            LOG.warn("SQL {} (the spare, pid {}) lost: {}", w.name(), w.pid(), cause);
        } else if (!closed) {
            LOG.warn("SQL {} (pid {}) killed: {}; {} took its place ({} restarts so far)", w.name(), w.pid(), cause,
                    successor == null ? "no worker" : successor, n);
        }
    }

    /** Puts a worker in {@code w}'s slot; returns its name (null: none could start, or {@code w} was the spare). */
    private String takePlace(WorkerProcess w) {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == w) {
                WorkerProcess next = takeSpare();
                if (next != null) {
                    slots.compareAndSet(i, w, next);
                }
                return next == null ? null : next.name();
            }
        }
        if (w == spare) {
            spare = null;
            startSpare(0);
        }
        return null;
    }

    private WorkerProcess takeSpare() {
        WorkerProcess s = spare;
        spare = null;
        startSpare(TAKEOVER_PAUSE_MS);
        if (s != null && !s.isDead()) {
            return s;
        }
        try {
            return launch(false); // no spare at hand: calls to this slot wait for it to start
        } catch (IOException e) {
            LOG.error("cannot start a SQL worker: {}", e.getMessage());
            return null;
        }
    }

    /**
     * A new spare after {@code pauseMs}, or after a second when workers die as they start (a
     * broken set-up must not spin).
     */
    private void startSpare(long pauseMs) {
        long sinceEarlyDeath = System.nanoTime() - lastEarlyDeath;
        long delay = lastEarlyDeath != 0 && sinceEarlyDeath < TimeUnit.SECONDS.toNanos(5) ? Math.max(1000, pauseMs)
                : pauseMs;
        var unusedStart = starter.schedule(() -> {
            if (closed || spare != null) {
                return;
            }
            try {
                spare = launch(warmSpares);
            } catch (IOException | RuntimeException e) {
                LOG.error("cannot start a spare SQL worker ({}); trying again in a second", e.getMessage());
                lastEarlyDeath = System.nanoTime();
                startSpare(0);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    @Override
    public void evict(UUID id) {
        // The sweeper deletes the files next: wait (boundedly) until the worker has closed them,
        // so the space is free when the disk guard looks again right after the sweep.
        CompletableFuture<Void> filesClosed = slots.get(slotOf(id)).evict(callIds.incrementAndGet(), id);
        try {
            filesClosed.get(EVICT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("SQL worker did not confirm closing walk-in {} within {} s; deleting its files anyway",
                    id, EVICT_WAIT_SECONDS);
        }
    }

    @Override
    public void closeIdle() {
        // each worker closes its own idle connections
    }

    /** Stops every worker: their input closes and they exit; one that does not within a second is killed. */
    @Override
    public void close() {
        closed = true;
        starter.shutdownNow();
        List<WorkerProcess> all = new ArrayList<>();
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                all.add(slots.get(i));
            }
        }
        if (spare != null) {
            all.add(spare);
        }
        List<Thread> stops = new ArrayList<>();
        for (WorkerProcess w : all) {
            stops.add(Thread.ofPlatform().daemon().start(() -> w.stop(1000)));
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        caps.close();
    }

    /** The workers now, in slot order. */
    public List<WorkerStatus> workers() {
        List<WorkerStatus> out = new ArrayList<>();
        for (int i = 0; i < slots.length(); i++) {
            WorkerProcess w = slots.get(i);
            out.add(new WorkerStatus(w.name(), w.pid(), w.inFlight(), w.isReady()));
        }
        return out;
    }

    /** The spare's PID, or -1 while none is started. */
    public long sparePid() {
        WorkerProcess s = spare;
        return s == null ? -1 : s.pid();
    }

    /** Whether the spare is started and ready to take a place. */
    public boolean spareReady() {
        WorkerProcess s = spare;
        return s != null && s.isReady();
    }

    /** What caps the workers get (cgroup v2, v1, or the address-space limit), for the status. */
    public String capsDescription() {
        return caps.describe();
    }

    public long restarts() {
        return restarts.get();
    }

    public long restarts(RestartCause cause) {
        return restartsByCause.get(cause.ordinal());
    }

    /** The connection caches and answer memory of the workers in their slots now (their last STATS). */
    public Figures figures() {
        long hits = retiredHits.get();
        long misses = retiredMisses.get();
        int size = 0;
        long held = 0;
        for (int i = 0; i < slots.length(); i++) {
            WorkerProcess w = slots.get(i);
            if (w != null) {
                Frames.Stats s = w.stats();
                hits += s.cacheHits();
                misses += s.cacheMisses();
                size += s.cacheSize();
                held += s.answerMemoryHeld();
            }
        }
        return new Figures(hits, misses, size, held);
    }

    public List<Restart> recentRestarts() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** The PID of the worker that runs {@code walkin}'s calls now. */
    public long pidFor(UUID walkin) {
        return slots.get(slotOf(walkin)).pid();
    }
}
