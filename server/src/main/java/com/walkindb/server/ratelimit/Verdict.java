package com.walkindb.server.ratelimit;

/** A budget's answer: allowed, or refused with the seconds until it would be allowed. */
public record Verdict(boolean allowed, long retryAfterSeconds) {
    public static final Verdict ALLOWED = new Verdict(true, 0);

    public static Verdict refused(long nanosToWait) {
        return new Verdict(false, Math.max(1, (nanosToWait + 999_999_999L) / 1_000_000_000L));
    }
}
