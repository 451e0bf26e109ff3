package com.walkindb.server.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;

/**
 * The one source of Jackson factories in the server, so that every parser and generator takes its
 * buffers from one bounded pool.
 *
 * <p>Jackson's default pool keeps buffers per thread. Requests run on virtual threads that live
 * for one request, so that pool never reuses anything: each generator allocated 16 KB of fresh
 * buffers (8 000 bytes of output, 4 000 chars for strings), each parser 8 KB, several per call.
 * A shared pool hands the same buffers from call to call; beyond {@link #POOLED} idle sets the
 * extras are dropped, so it holds at most a couple of MB however many calls run at once.
 */
public final class JsonFactories {
    /** Idle buffer sets kept: more than the SQL workers plus the calls usually parsing or answering. */
    static final int POOLED = 32;

    private static final RecyclerPool<BufferRecycler> POOL = JsonRecyclerPools.newBoundedPool(POOLED);
    private static final JsonFactory PLAIN = builder().build();

    private JsonFactories() {}

    /** A factory with Jackson's default settings and the shared pool. */
    public static JsonFactory plain() {
        return PLAIN;
    }

    /** A builder already set to the shared pool, for factories with settings of their own. */
    public static JsonFactoryBuilder builder() {
        return new JsonFactoryBuilder().recyclerPool(POOL);
    }
}
