package com.walkindb.server.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.base.GeneratorBase;
import com.fasterxml.jackson.core.util.BufferRecycler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JsonFactoriesTest {

    /**
     * The point of the shared pool: a request's virtual thread reuses buffers earlier ones gave
     * back. The pool is first-in first-out and other tests in this JVM use it too, so the check is
     * on how many different buffer sets 100 calls saw: at most the pool's size and a few made while
     * others held theirs, not one per call.
     */
    @Test
    void generatorsOnNewVirtualThreadsReuseBuffers() throws Exception {
        assertThat(distinctRecyclers(JsonFactories.plain(), 100)).isLessThanOrEqualTo(JsonFactories.POOLED + 16);
    }

    @Test
    void factoriesWithTheirOwnSettingsShareThePool() {
        JsonFactory own = JsonFactories.builder().build();
        assertThat(own._getRecyclerPool()).isSameAs(JsonFactories.plain()._getRecyclerPool());
    }

    /** Jackson's default pool, per thread, never reuses across virtual threads: what the shared pool replaces. */
    @Test
    void jacksonsDefaultPoolGivesEveryVirtualThreadNewBuffers() throws Exception {
        assertThat(distinctRecyclers(new JsonFactory(), 100)).isEqualTo(100);
    }

    private static int distinctRecyclers(JsonFactory factory, int calls) throws Exception {
        Set<BufferRecycler> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < calls; i++) {
            seen.add(recyclerUsedOnANewVirtualThread(factory));
        }
        return seen.size();
    }

    private static BufferRecycler recyclerUsedOnANewVirtualThread(JsonFactory factory) throws Exception {
        AtomicReference<BufferRecycler> used = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try (JsonGenerator g = factory.createGenerator(new ByteArrayOutputStream())) {
                used.set(((GeneratorBase) g).ioContext().bufferRecycler());
                g.writeString("x");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        t.join();
        return used.get();
    }
}
