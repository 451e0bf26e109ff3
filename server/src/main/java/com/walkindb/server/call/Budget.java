package com.walkindb.server.call;

/** The budgets a call can be refused by (429), in the order they are checked. */
public enum Budget {
    /** Requests per client per minute (step 2). */
    REQUESTS,
    /** Requests per walk-in per minute (step 5, a call with a session). */
    WALKIN_REQUESTS,
    /** New walk-ins per client per minute (step 5, a call without a session). */
    NEW_WALKINS,
    /** Live walk-ins per client at once (step 5, a call without a session). */
    LIVE_WALKINS
}
