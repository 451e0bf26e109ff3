package com.walkindb.server.sandbox;

/** The server must not start: a required layer cannot be applied, or the jail broke half-way. */
public final class SandboxException extends Exception {
    public SandboxException(String message) {
        super(message);
    }
}
