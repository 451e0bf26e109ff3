package com.walkindb.server.config;

/** A configuration value that cannot be used; the message names the variable and the value. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
