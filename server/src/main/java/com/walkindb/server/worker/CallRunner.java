package com.walkindb.server.worker;

import com.walkindb.server.instance.DiskState;
import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.instance.LocalCalls;
import com.walkindb.server.sql.AnswerMemory;
import com.walkindb.server.sql.CallOutcome;
import java.nio.file.Path;
import java.util.UUID;
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
        answer(call.callId(), "call", call.walkin(), () -> {
            if (testHooks && TestHooks.matches(call.firstSql())) {
                TestHooks.run(call.firstSql(), InstanceStore.databaseFileIn(dataDir, call.walkin()),
                        () -> calls.evict(call.walkin()));
            }
            return call.batch() == null
                    ? calls.execute(call.walkin(), call.sql(), call.args(), disk(call.diskFlags()))
                    : calls.executeBatch(call.walkin(), call.batch(), disk(call.diskFlags()));
        });
    }

    /** An import or export: as a call, with its outcome in a RESULT frame. */
    private void runJob(Frames.Job job) {
        answer(job.callId(), "data job", job.walkin(), () -> calls.job(job.walkin(), job.job(), disk(job.diskFlags())));
    }

    /** What a call or job does in the worker. */
    private interface Work {
        CallOutcome run() throws Exception;
    }

    /** Runs the work and sends its outcome: RESULT, or FAILED when it threw. */
    private void answer(long callId, String what, UUID walkin, Work work) {
        CallOutcome outcome;
        try {
            outcome = work.run();
        } catch (OutOfMemoryError e) {
            outOfMemory(e);
            return;
        } catch (Throwable t) {
            LoggerFactory.getLogger(CallRunner.class).error("worker: {} on walk-in {} failed", what, walkin, t);
            String why = t.toString();
            output.send(f -> Frames.failed(f, callId, why));
            return;
        }
        // Not sent: the supervisor is gone, and no RELEASE will come for the answer's share.
        if (!output.send(f -> Frames.result(f, callId, outcome)) && outcome instanceof CallOutcome.Success s) {
            answerMemory.release(s.answerMemory());
        }
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
