package com.walkindb.server.session;

import java.io.Serial;
import java.security.SecureRandom;
import java.util.Arrays;

/** A "random" source that fills every request with one byte, so tests can assert exact bits. */
final class FixedBytesRandom extends SecureRandom {
    @Serial
    private static final long serialVersionUID = 1L;
    private final byte value;

    FixedBytesRandom(int value) {
        this.value = (byte) value;
    }

    @Override
    public void nextBytes(byte[] bytes) {
        Arrays.fill(bytes, value);
    }
}
