package com.walkindb.server.call;

import com.walkindb.server.config.Limits;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.filter.FilterVerdict;
import com.walkindb.server.sql.filter.KeywordFilter;
import java.util.Optional;

/**
 * One call, whatever carried it: the order of checks of docs/API.md from step 2 on, except the
 * transport's own part of step 3 (headers, media type, body size, JSON). A transport calls
 * {@link #admit} before it reads the body and {@link #run} after, and maps the {@link Outcome}
 * to its own answer in one exhaustive switch. Only a bug escapes as an exception before step 5;
 * from step 5 on even a bug comes back as {@link Outcome.InternalError} with the walk-in reached.
 */
public final class CallCore {
    private final Admission admission;
    private final WalkinResolver walkins;
    private final Execution execution;
    private final int maxArgs;

    public CallCore(Admission admission, WalkinResolver walkins, Execution execution, Limits limits) {
        this.admission = admission;
        this.walkins = walkins;
        this.execution = execution;
        this.maxArgs = limits.maxArgs();
    }

    /** Step 2. Empty when the call may go on (its request budget is then charged); else the refusal. */
    public Optional<CallResult> admit(Caller caller) {
        return admission.check(caller);
    }

    /**
     * The rest of step 3 (a statement in the text, the shape of {@code args}), then steps 4 to 7:
     * the keyword pre-filter (nothing is provisioned before it passes), the walk-in, its gate,
     * and the statements. {@code token} null or empty provisions a walk-in. An
     * {@link Outcome.Answered} holds memory until the transport calls {@link Answer#release()}.
     */
    public CallResult run(Caller caller, String token, CallRequest request) throws InterruptedException {
        FilterVerdict verdict = KeywordFilter.check(request.sql());
        if (verdict instanceof FilterVerdict.NoStatement) {
            return CallResult.before(new Outcome.MissingSql());
        }
        CallArgs args;
        try {
            args = ArgsReader.read(request.argsPresent(), request.args(), maxArgs);
        } catch (ArgsReader.InvalidArgs e) {
            return CallResult.before(new Outcome.InvalidArgs(e.getMessage()));
        }
        if (verdict instanceof FilterVerdict.Forbidden f) {
            return CallResult.before(new Outcome.ForbiddenKeyword(f.keyword()));
        }
        return reachAndRun(caller, token, session -> execution.run(session, request.sql(), args));
    }

    /**
     * {@link #run} for a batch (docs/API.md, "Batch"): the batch's shape and each entry's sql and
     * args (step 3), the keyword pre-filter on each entry (step 4), then steps 5 to 7 once for the
     * whole batch: one request, one walk-in, one transaction.
     */
    public CallResult runBatch(Caller caller, String token, BatchRequest request) throws InterruptedException {
        return switch (BatchReader.read(request.batch(), maxArgs)) {
            case BatchReader.Read.Refused refused -> CallResult.before(refused.outcome());
            case BatchReader.Read.Entries read ->
                    reachAndRun(caller, token, session -> execution.runBatch(session, read.entries()));
        };
    }

    /** What runs on the walk-in once it is reached. */
    private interface Work {
        Outcome on(Session session) throws InterruptedException;
    }

    /** Steps 5 to 7: the walk-in (found or made), then {@code work} on it. */
    private CallResult reachAndRun(Caller caller, String token, Work work) throws InterruptedException {
        Session session = null;
        try {
            switch (walkins.resolve(caller, token)) {
                case WalkinResolver.Resolution.Stopped stopped -> {
                    return stopped.result();
                }
                case WalkinResolver.Resolution.Reached reached -> session = reached.session();
            }
            return new CallResult(work.on(session), session);
        } catch (RuntimeException e) {
            // A walk-in this call just made stays reachable: the answer still carries its session.
            return new CallResult(new Outcome.InternalError(e), session);
        }
    }
}
