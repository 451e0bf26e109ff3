package com.walkindb.server.abuse;

import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.TestServer;
import java.io.IOException;
import java.util.Map;

/** A server of a case's own (other limits, or a clock to move); the harness closes it after the case. */
final class OwnServer implements AutoCloseable {
    final TestServer server;
    final Http http;
    /** What {@link #http} and {@link #raw} sent and got in the case. */
    final CaseRecord record = new CaseRecord();
    final RawHttp raw;
    /** Descriptors its process held right after start-up (its own process only when jailed). */
    final int fdsAtStart;
    private boolean closed;

    OwnServer(Map<String, String> env) throws Exception {
        this(TestServer.start(env));
    }

    /** On {@code dataDir}, which stays when it is closed. */
    OwnServer(java.nio.file.Path dataDir, Map<String, String> env) throws Exception {
        this(TestServer.startIn(dataDir, env));
    }

    private OwnServer(TestServer server) {
        this.server = server;
        this.fdsAtStart = HostChecks.openFiles(server.serverPid()).size();
        this.http = CaseRecord.client(server.baseUrl(), record);
        this.raw = new RawHttp(http, record);
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            http.close();
            server.close();
        }
    }
}
