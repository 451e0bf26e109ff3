package com.walkindb.server.sandbox;

/**
 * Which confinement layers are live in this process: for example {@code landlock = "abi 7, 28
 * rules"} and {@code seccomp = "on, 142 syscalls"}, or {@code "off: <why>"}. Only the operator
 * sees it, in the start-up log ({@link #logLine()}): the public {@code /healthz} says nothing
 * about the jail, which would tell an attacker what to aim at.
 */
public record SandboxStatus(String landlock, String seccomp) {
    /** One start-up log line: {@code sandbox: landlock abi 7, 28 rules; seccomp on, 142 syscalls}. */
    public String logLine() {
        return "sandbox: landlock " + landlock + "; seccomp " + seccomp;
    }
}
