package com.walkindb.server.http;

import com.walkindb.server.ratelimit.ClientKey;

/** What the access log needs to know about one request, filled in as the request goes. */
final class Exchange {
    String sourceIp;
    /** The caller's per-client limit key (null until POST /sql resolved the caller). */
    ClientKey clientKey;
    String instanceId;
    int sqlBytes;
    boolean bodyRead;
    /** The per-IP request budget admitted it (POST /sql): its log line is not an edge line. */
    boolean metered;
}
