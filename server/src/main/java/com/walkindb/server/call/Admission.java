package com.walkindb.server.call;

import com.walkindb.server.ratelimit.ClientKey;
import com.walkindb.server.ratelimit.InFlightLimit;
import com.walkindb.server.ratelimit.KeyedBudgets;
import com.walkindb.server.ratelimit.Verdict;
import java.util.Optional;

/**
 * Step 2 of the order of checks (docs/API.md): the in-flight limit, then the caller's request
 * budget. It runs before the transport reads the body, so a refused caller costs no parsing.
 */
public final class Admission {
    private final InFlightLimit inFlight;
    private final KeyedBudgets<ClientKey> requests;

    public Admission(InFlightLimit inFlight, KeyedBudgets<ClientKey> requests) {
        this.inFlight = inFlight;
        this.requests = requests;
    }

    /** Empty when the call may go on (its request budget is then charged); else the refusal. */
    Optional<CallResult> check(Caller caller) {
        if (inFlight.isFull()) {
            return Optional.of(CallResult.before(new Outcome.ServerBusy()));
        }
        Verdict verdict = requests.tryConsume(caller.key());
        if (!verdict.allowed()) {
            return Optional.of(CallResult.before(new Outcome.Refused(Budget.REQUESTS, verdict.retryAfterSeconds())));
        }
        return Optional.empty();
    }
}
