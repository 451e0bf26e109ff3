package com.walkindb.server.worker;

import com.walkindb.server.dataio.DataJob;
import com.walkindb.server.sql.BatchEntry;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallOutcome;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The supervisor's side of one worker JVM: writes calls to its standard input, and on a platform
 * thread of its own reads the outcomes from its standard output and hands each to the call
 * waiting for it. Waiting callers are parked virtual threads; no carrier is held.
 */
final class WorkerProcess {
    private final String name;
    private final Process process;
    private final Outbox toWorker;
    /** A call sent and not answered yet: what waits for it, when it was sent, on which walk-in. */
    /**
     * A call sent and not answered yet: what waits for it, when it was sent, on which walk-in, and
     * how long it may take before its worker is killed (0: the pool's limit for calls).
     */
    record Pending(CompletableFuture<CallOutcome> outcome, long sentNanos, UUID walkin, long limitNanos) {}

    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Evictions sent and not acknowledged yet, by request id. */
    private final ConcurrentHashMap<Long, CompletableFuture<Void>> evictions = new ConcurrentHashMap<>();
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final AtomicBoolean dead = new AtomicBoolean();
    private final long started = System.nanoTime();
    private volatile String cause;
    private volatile Frames.Stats stats = Frames.Stats.NONE;

    /** {@code onExit}: called once, from the reader, when the worker's output ends (it died or was killed). */
    WorkerProcess(String name, Process process, Consumer<WorkerProcess> onExit) {
        this.name = name;
        this.process = process;
        this.toWorker = new Outbox(process.getOutputStream(), "walkindb-" + name + "-writer");
        Thread.ofPlatform().daemon().name("walkindb-" + name + "-reader").start(() -> {
            read();
            onExit.accept(this);
        });
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /** The worker's sandbox line once it is ready; fails if it died first. */
    CompletableFuture<String> ready() {
        return ready;
    }

    boolean isReady() {
        return ready.isDone() && !ready.isCompletedExceptionally() && !dead.get();
    }

    boolean isDead() {
        return dead.get();
    }

    int inFlight() {
        return pending.size();
    }

    long ageNanos() {
        return System.nanoTime() - started;
    }

    /** The worker's last STATS frame (sent once a second). */
    Frames.Stats stats() {
        return stats;
    }

    /** Why it was killed or died, once it has been. */
    String cause() {
        return cause;
    }

    /**
     * Sends the call; the future completes with its outcome, with {@link CallOutcome.WorkerLost}
     * if the worker dies first, or exceptionally if the worker failed running it.
     */
    CompletableFuture<CallOutcome> send(long callId, UUID walkin, int diskFlags, String sql, CallArgs args) {
        return send(callId, walkin, 0, frame -> Frames.call(frame, callId, walkin, diskFlags, sql, args));
    }

    /** {@link #send}, for a batch's entries (one frame, one outcome). */
    CompletableFuture<CallOutcome> sendBatch(long callId, UUID walkin, int diskFlags, List<BatchEntry> entries) {
        return send(callId, walkin, 0, frame -> Frames.batch(frame, callId, walkin, diskFlags, entries));
    }

    /** {@link #send} for a data job, which may take {@code limitNanos} before its worker is killed. */
    CompletableFuture<CallOutcome> sendJob(long callId, UUID walkin, int diskFlags, DataJob job, long limitNanos) {
        return send(callId, walkin, limitNanos, frame -> Frames.job(frame, callId, walkin, diskFlags, job));
    }

    private CompletableFuture<CallOutcome> send(long callId, UUID walkin, long limitNanos,
                                                Consumer<FrameOut> encode) {
        CompletableFuture<CallOutcome> f = new CompletableFuture<>();
        pending.put(callId, new Pending(f, System.nanoTime(), walkin, limitNanos));
        boolean sent = queue(encode);
        if (!sent || dead.get()) {
            // Died before or while we wrote: whoever marked it dead may have missed this call.
            if (pending.remove(callId) != null) {
                f.complete(new CallOutcome.WorkerLost());
            }
        }
        return f;
    }

    /** Queues one frame for the worker; false if it is dead (a death after this is caught by the caller's re-check). */
    private boolean queue(Consumer<FrameOut> encode) {
        if (dead.get()) {
            return false;
        }
        FrameOut frame = new FrameOut();
        encode.accept(frame);
        return toWorker.offer(frame); // this frame is the queue's now: the writer writes its buffer as it is
    }

    /**
     * Takes out the first call sent longer than {@code limitNanos} ago, for the caller to answer
     * (an outcome that still comes from the worker is dropped); null when every call is younger.
     */
    Pending takeOverdue(long nowNanos, long limitNanos) {
        for (var e : pending.entrySet()) {
            long limit = e.getValue().limitNanos() > 0 ? e.getValue().limitNanos() : limitNanos;
            if (nowNanos - e.getValue().sentNanos() > limit && pending.remove(e.getKey()) != null) {
                return e.getValue();
            }
        }
        return null;
    }

    void release(long bytes) {
        var unused = queue(frame -> Frames.release(frame, bytes));
    }

    /**
     * Asks the worker to close the walk-in's files; the future completes when it has (or when the
     * worker is gone, which closes them too), so that space deleted after it comes back at once.
     */
    CompletableFuture<Void> evict(long requestId, UUID walkin) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        evictions.put(requestId, done);
        if (!queue(frame -> Frames.evict(frame, requestId, walkin)) || dead.get()) {
            evictions.remove(requestId);
            done.complete(null);
        }
        return done;
    }

    /**
     * Marks the worker dead with {@code why} and kills it (SIGKILL); true for the first caller
     * only. The calls still waiting on it are failed by {@link #failPending()}, which the caller
     * runs once the worker's place is taken, so that a client retrying at once finds the new one.
     */
    boolean kill(String why) {
        if (!dead.compareAndSet(false, true)) {
            return false;
        }
        cause = why;
        process.destroyForcibly();
        toWorker.close();
        ready.completeExceptionally(new IllegalStateException(why));
        return true;
    }

    /** Answers every call still waiting on this (dead) worker {@link CallOutcome.WorkerLost}. */
    void failPending() {
        for (Long id : evictions.keySet()) {
            CompletableFuture<Void> e = evictions.remove(id);
            if (e != null) {
                e.complete(null);
            }
        }
        for (Long id : pending.keySet()) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.outcome().complete(new CallOutcome.WorkerLost());
            }
        }
    }

    /** Closes the worker's input (it exits by itself), then kills it if it is still there after {@code waitMillis}. */
    void stop(long waitMillis) {
        toWorker.close();
        try {
            if (!process.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
                kill("stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill("stopped");
        }
        dead.set(true);
        failPending();
    }

    /** How the process ended, for the log: its exit status, or the signal that killed it. */
    String exitDescription() {
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                return "its output closed but it is still running";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
        int status = process.exitValue();
        if (status > 128) {
            int signal = status - 128;
            return "killed by signal " + signal + (signal == 9
                    ? " (SIGKILL: by the kernel's OOM killer or a memory cap, unless walkindb sent it)" : "");
        }
        return "exited with status " + status;
    }

    private void read() {
        FrameIn in = new FrameIn(new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16)),
                Frames.MAX_RESULT_FRAME_BYTES);
        try {
            while (in.next()) {
                int type = in.u8();
                switch (type) {
                    case Frames.READY -> {
                        long pid = in.i64();
                        String sandbox = in.text();
                        ready.complete("pid " + pid + ", " + sandbox);
                    }
                    case Frames.RESULT -> {
                        long id = in.i64();
                        CallOutcome outcome = Frames.readOutcome(in, this::release);
                        Pending p = pending.remove(id);
                        if (p != null) {
                            p.outcome().complete(outcome);
                        } else if (outcome instanceof CallOutcome.Success s) {
                            release(s.answerMemory()); // nobody is waiting for it any more
                        }
                    }
                    case Frames.FAILED -> {
                        long id = in.i64();
                        String why = in.text();
                        Pending p = pending.remove(id);
                        if (p != null) {
                            p.outcome().completeExceptionally(new IllegalStateException("SQL worker " + name + ": " + why));
                        }
                    }
                    case Frames.STATS -> stats = Frames.readStats(in);
                    case Frames.EVICTED -> {
                        CompletableFuture<Void> e = evictions.remove(in.i64());
                        if (e != null) {
                            e.complete(null);
                        }
                    }
                    default -> throw new IOException("unknown frame type " + type);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!dead.get()) {
                cause = "unreadable output (" + e + ")";
            }
        }
    }
}
