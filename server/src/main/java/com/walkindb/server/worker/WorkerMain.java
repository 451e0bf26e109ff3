package com.walkindb.server.worker;

import com.walkindb.server.config.Config;
import com.walkindb.server.config.ConfigException;
import com.walkindb.server.config.EnvConfigReader;
import com.walkindb.server.instance.ConnectionCache;
import com.walkindb.server.instance.DiskGuard;
import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.instance.LocalCalls;
import com.walkindb.server.sandbox.Sandbox;
import com.walkindb.server.sandbox.SandboxException;
import com.walkindb.server.sandbox.SandboxStatus;
import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.time.Ticker;
import com.walkindb.sqlite.Sqlite;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SQL worker process (docs/ARCHITECTURE.md, "Worker processes"): started by the supervisor's
 * {@link WorkerPool}, it confines itself as the server does (the Landlock jail, then the seccomp
 * filter that allows no new process), then runs the calls the supervisor sends on its standard
 * input and writes each outcome to its standard output ({@link Frames}). Its logs go to
 * standard error, which it shares with the supervisor.
 *
 * <p>Each call runs on a platform thread of its own: the supervisor bounds how many are in
 * flight, and a thread stuck in native code only holds itself. The thread that reads a call
 * runs it (leader and followers): the threads not running SQL take turns at the input, and
 * one that reads a CALL runs it at once, with no hand-off to another thread on the call's
 * path; a new thread is started only when no other is left at the input. The worker never decides to
 * stop: it ends when its standard input closes (the supervisor stopped or died) or when the
 * supervisor kills it.
 */
public final class WorkerMain {
    private final LocalCalls calls;
    private final AnswerMemory answerMemory;
    private final DiskGuard ownDisk;
    private final java.nio.file.Path dataDir;
    private final WorkerOutput output;
    private final CallRunner runner;
    private final Object inputTurn = new Object();
    /** Threads at the input (reading, or waiting for their turn): never 0 while the worker runs. */
    private final AtomicInteger atInput = new AtomicInteger();
    private final AtomicInteger threadNames = new AtomicInteger();
    private FrameIn in; // guarded by inputTurn

    private WorkerMain(Config config, WorkerSettings settings, OutputStream out) throws IOException {
        this.output = new WorkerOutput(out);
        this.dataDir = config.dataDir();
        this.answerMemory = new AnswerMemory(settings.answerMemory());
        this.ownDisk = new DiskGuard(DiskGuard.Space.of(config.dataDir()), settings.diskMinFreeBytes(),
                settings.diskMinFreePercent(), config.limits().nearlyFullBytes());
        ConnectionCache cache = new ConnectionCache(settings.connectionCache(), settings.connectionIdle(), Ticker.SYSTEM);
        this.calls = new LocalCalls(id -> InstanceStore.databaseFileIn(config.dataDir(), id), cache, answerMemory,
                config.limits().withQueryDeadline(settings.queryDeadline()), config.dataIo(), Ticker.SYSTEM);
        this.runner = new CallRunner(calls, answerMemory, ownDisk, dataDir, output);
    }

    public static void main(String[] args) throws Exception {
        // The protocol owns the real standard output; anything else printed goes to stderr.
        OutputStream protocol = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        System.setOut(System.err);
        WorkerSettings settings = WorkerSettings.parse(args);
        Config config;
        try {
            config = EnvConfigReader.read(System.getenv());
        } catch (ConfigException e) {
            System.err.println("walkindb worker: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        SandboxStatus sandbox;
        try {
            sandbox = Sandbox.enter(config, Sandbox.Role.WORKER); // below Landlock ABI 8 this re-executes the worker JVM
        } catch (SandboxException e) {
            System.err.println("walkindb worker: refusing to start: " + e.getMessage());
            System.exit(3);
            return;
        }
        Sqlite.hardHeapLimit(settings.sqliteHeap());
        WorkerMain worker = new WorkerMain(config, settings, protocol);
        // Not the server's "sandbox: ..." summary line: operators (and tests) grep for that one.
        String jail = "landlock " + sandbox.landlock() + "; seccomp " + sandbox.seccomp()
                + (settings.warmup() ? "; " + worker.warmUp(config) : "");
        worker.output.send(f -> Frames.ready(f, ProcessHandle.current().pid(), jail));
        worker.housekeeping();
        worker.in = new FrameIn(new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in),
                1 << 16)), Frames.MAX_FRAME_BYTES);
        worker.atInput.incrementAndGet();
        worker.serve(); // this thread is the first at the input
    }

    /** Runs {@link Warmup}; says how it went, for the READY line. */
    private String warmUp(Config config) {
        long start = System.nanoTime();
        try {
            Warmup.Report r = Warmup.run(dataDir, config.limits(), answerMemory, ownDisk);
            return "warmed up: " + r.rounds() + " rounds in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                    + " ms";
        } catch (IOException | RuntimeException e) {
            return "no warm-up (" + e + ")";
        }
    }

    /** A thread's life: take a turn at the input until it reads a call, run the call, again. */
    private void serve() {
        while (true) {
            Object call; // a Frames.Call or a Frames.Job
            synchronized (inputTurn) {
                call = nextCall();
            }
            if (atInput.decrementAndGet() == 0) {
                atInput.incrementAndGet();
                startThread(); // someone must read RELEASE, EVICT and other calls while this one runs
            }
            runner.run(call);
            atInput.incrementAndGet();
        }
    }

    private void startThread() {
        Thread t = new Thread(null, this::serve, "walkindb-sql-" + threadNames.incrementAndGet(), 512 * 1024);
        t.setDaemon(true);
        t.start();
    }

    /** Under the turn: reads frames, handling the small ones, until a CALL, BATCH or JOB; ends the process at the end of input. */
    private Object nextCall() {
        try {
            while (in.next()) {
                int type = in.u8();
                switch (type) {
                    case Frames.CALL -> {
                        return Frames.readCall(in);
                    }
                    case Frames.BATCH -> {
                        return Frames.readBatch(in);
                    }
                    case Frames.JOB -> {
                        return Frames.readJob(in);
                    }
                    case Frames.RELEASE -> answerMemory.release(in.i64());
                    case Frames.EVICT -> {
                        long request = in.i64();
                        calls.evict(Frames.readWalkin(in));
                        output.send(f -> Frames.evicted(f, request));
                    }
                    default -> throw new IOException("unknown frame type " + type);
                }
            }
        } catch (IOException | RuntimeException e) {
            log().error("worker: reading from the supervisor failed ({}); exiting", e.toString());
            Runtime.getRuntime().halt(4);
        }
        // The supervisor closed our input: it stopped (or died). Idle connections are closed (their
        // WAL checkpointed and removed); calls still running are abandoned, uncommitted.
        calls.close();
        Runtime.getRuntime().halt(0);
        throw new IllegalStateException("halted");
    }

    private void housekeeping() {
        var timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "walkindb-worker-housekeeping");
            t.setDaemon(true);
            return t;
        });
        var unusedReaps = timer.scheduleWithFixedDelay(() -> {
            try {
                calls.closeIdle();
                ownDisk.refresh();
                var cache = calls.cacheFigures(); // the supervisor's metrics
                Frames.Stats stats = new Frames.Stats(cache.hits(), cache.misses(), cache.size(), answerMemory.held());
                output.send(f -> Frames.stats(f, stats));
            } catch (Throwable t) {
                log().error("worker housekeeping failed; retrying in a second", t);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    private static Logger log() {
        return LoggerFactory.getLogger(WorkerMain.class);
    }
}
