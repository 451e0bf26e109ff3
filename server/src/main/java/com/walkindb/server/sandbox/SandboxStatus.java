package com.walkindb.server.sandbox;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Which confinement layers are live in this process, as {@code /healthz} reports them: for
 * example {@code landlock = "abi 7, 28 rules"} and {@code seccomp = "on, 142 syscalls"}, or
 * {@code "off: <why>"}.
 */
public record SandboxStatus(String landlock, String seccomp) {
    /** For servers that {@code Main} did not start (tests run them inside their own JVM). */
    public static SandboxStatus notApplied() {
        String why = "off: not started through com.walkindb.server.Main";
        return new SandboxStatus(why, why);
    }

    public boolean landlockLive() {
        return !landlock.startsWith("off");
    }

    public boolean seccompLive() {
        return !seccomp.startsWith("off");
    }

    /** The {@code /healthz} body: {@code {"status":"ok","sandbox":{"landlock":...,"seccomp":...}}}. */
    public byte[] healthJson() {
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        String json = "{\"status\":\"ok\",\"sandbox\":{\"landlock\":\"" + new String(enc.quoteAsString(landlock))
                + "\",\"seccomp\":\"" + new String(enc.quoteAsString(seccomp)) + "\"}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
