package com.walkindb.server.startup;

import java.io.IOException;

/** A listen address that cannot be had; the message names its variable, the address and the system's reason. */
public final class CannotListen extends IOException {
    public CannotListen(String variable, String address, Throwable cause) {
        super("cannot listen on " + variable + "=" + address + ": " + OsReason.of(cause), cause);
    }
}
