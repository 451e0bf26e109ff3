package com.walkindb.server.http;

/** What the access log needs to know about one request, filled in as the request goes. */
final class Exchange {
    String sourceIp;
    String instanceId;
    int sqlBytes;
    boolean bodyRead;
    /** The per-IP request budget admitted it (POST /sql): its log line is not an edge line. */
    boolean metered;
}
