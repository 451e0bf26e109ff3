package com.walkindb.server.call;

/**
 * What a call came to, and the walk-in it reached ({@code session} is null when the call was
 * refused before step 5 of the order of checks in docs/API.md).
 */
public record CallResult(Outcome outcome, Session session) {
    static CallResult before(Outcome outcome) {
        return new CallResult(outcome, null);
    }
}
