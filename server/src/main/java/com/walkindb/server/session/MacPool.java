package com.walkindb.server.session;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small lock-free cache of {@link Macs}. Not a ThreadLocal: the server runs each request
 * on a fresh virtual thread, where a ThreadLocal would never be reused. A thread takes the
 * engines from the slot its id hashes to (or makes new ones if the slot is empty) and puts
 * them back if the slot is still empty; memory stays bounded by the slot count.
 */
final class MacPool {
    private final AtomicReferenceArray<Macs> slots;
    private final int mask;

    MacPool(int slotsPowerOfTwo) {
        if (Integer.bitCount(slotsPowerOfTwo) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slotsPowerOfTwo);
        }
        this.slots = new AtomicReferenceArray<>(slotsPowerOfTwo);
        this.mask = slotsPowerOfTwo - 1;
    }

    /** Engines keyed with {@code pair}, owned by the caller until {@link #release}. */
    Macs acquire(SecretPair pair) {
        Macs macs = slots.getAndSet(slot(), null);
        if (macs == null) {
            macs = new Macs();
        }
        macs.keyWith(pair);
        return macs;
    }

    void release(Macs macs) {
        slots.compareAndSet(slot(), null, macs);
    }

    private int slot() {
        long id = Thread.currentThread().threadId();
        return (int) (id ^ (id >>> 32)) & mask;
    }
}
