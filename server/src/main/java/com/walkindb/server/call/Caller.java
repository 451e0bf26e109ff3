package com.walkindb.server.call;

import com.walkindb.server.ratelimit.ClientKey;

/**
 * Who makes a call, as the transport resolved it: the full address (for the access log and the
 * walk-in's {@code meta.json}) and the key the per-client limits count (an IPv6 caller's network).
 */
public record Caller(String address, ClientKey key) {}
