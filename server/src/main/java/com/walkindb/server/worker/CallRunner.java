package com.walkindb.server.worker;

import com.walkindb.server.instance.DiskState;
import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.instance.LocalCalls;
import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.sql.CallOutcome;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Runs a call or a data job the worker has read and sends its outcome to the supervisor as a
 * RESULT frame (FAILED when running it threw). A spare's {@link Warmup} runs its scratch calls
 * through this same code, decoded from the same frames: a spare that takes over then finds the
 * path of a real call loaded, linked and compiled. Without it, a spare's first calls spent some
 * 50 ms loading classes and bootstrapping its pattern switches while its callers waited.
 */
final class CallRunner {
    private final LocalCalls calls;
    private final AnswerMemory answerMemory;
    private final DiskState ownDisk;
    private final Path dataDir;
    private final WorkerOutput output;
    private final boolean testHooks = TestHooks.enabled();

    /** {@code ownDisk}: the worker's own view of the volume, consulted besides the supervisor's flags. */
    CallRunner(LocalCalls calls, AnswerMemory answerMemory, DiskState ownDisk, Path dataDir, WorkerOutput output) {
        this.calls = calls;
        this.answerMemory = answerMemory;
        this.ownDisk = ownDisk;
        this.dataDir = dataDir;
        this.output = output;
    }

    /** Runs a {@link Frames.Call} or a {@link Frames.Job} and answers it. */
    void run(Object work) {
        switch (work) {
            case Frames.Call c -> run(c);
            case Frames.Job j -> runJob(j);
            default -> throw new IllegalStateException("not a call: " + work);
        }
    }

    private void run(Frames.Call call) {
        CallOutcome outcome;
        try {
            if (testHooks && TestHooks.matches(call.firstSql())) {
                TestHooks.run(call.firstSql(), InstanceStore.databaseFileIn(dataDir, call.walkin()),
                        () -> calls.evict(call.walkin()));
            }
            outcome = call.batch() == null
                    ? calls.execute(call.walkin(), call.sql(), call.args(), disk(call.diskFlags()))
                    : calls.executeBatch(call.walkin(), call.batch(), disk(call.diskFlags()));
        } catch (OutOfMemoryError e) {
            outOfMemory(e);
            return;
        } catch (Throwable t) {
            LoggerFactory.getLogger(CallRunner.class).error("worker: call on walk-in {} failed", call.walkin(), t);
            String why = t.toString();
            output.send(f -> Frames.failed(f, call.callId(), why));
            return;
        }
        if (!output.send(f -> Frames.result(f, call.callId(), outcome)) && outcome instanceof CallOutcome.Success s) {
            answerMemory.release(s.answerMemory());
        }
    }

    /** An import or export: as a call, with its outcome in a RESULT frame. */
    private void runJob(Frames.Job job) {
        CallOutcome outcome;
        try {
            outcome = calls.job(job.walkin(), job.job(), disk(job.diskFlags()));
        } catch (OutOfMemoryError e) {
            outOfMemory(e);
            return;
        } catch (Throwable t) {
            LoggerFactory.getLogger(CallRunner.class).error("worker: data job on walk-in {} failed", job.walkin(), t);
            String why = t.toString();
            output.send(f -> Frames.failed(f, job.callId(), why));
            return;
        }
        output.send(f -> Frames.result(f, job.callId(), outcome));
    }

    /**
     * Past the Java heap or the address-space cap nothing here is to be trusted any more: the
     * worker exits, and the supervisor answers its calls 503 and puts the spare in its place.
     */
    private static void outOfMemory(OutOfMemoryError e) {
        System.err.println("walkindb worker: out of memory (" + e.getMessage() + "); exiting");
        Runtime.getRuntime().halt(5);
    }

    /** The supervisor's view of the volume, checked against our own on failure paths. */
    private DiskState disk(int flags) {
        return new DiskState() {
            @Override
            public boolean tripped() {
                return (flags & Frames.DISK_TRIPPED) != 0;
            }

            @Override
            public boolean nearlyFullNow() {
                return (flags & Frames.DISK_NEARLY_FULL) != 0 || ownDisk.nearlyFullNow();
            }
        };
    }
}
