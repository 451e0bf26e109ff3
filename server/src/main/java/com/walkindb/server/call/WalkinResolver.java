package com.walkindb.server.call;

import com.walkindb.server.drain.Drain;
import com.walkindb.server.instance.Instance;
import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.ratelimit.ClientKey;
import com.walkindb.server.ratelimit.KeyedBudgets;
import com.walkindb.server.ratelimit.LiveInstances;
import com.walkindb.server.ratelimit.Verdict;
import com.walkindb.server.session.SessionTokens;
import com.walkindb.server.session.UuidV7;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Step 5 of the order of checks (docs/API.md): the walk-in a session token names, or a new one.
 * Nothing is provisioned, and no creation budget charged, before this step.
 */
public final class WalkinResolver {
    /** The walk-in the call goes on with, or why it stops here (with the walk-in, if one was named). */
    sealed interface Resolution {
        record Reached(Session session) implements Resolution {}

        record Stopped(CallResult result) implements Resolution {}
    }

    private final SessionTokens tokens;
    private final InstanceStore store;
    private final KeyedBudgets<UUID> walkinRequests;
    private final KeyedBudgets<ClientKey> creations;
    private final LiveInstances live;
    private final UuidV7 uuids;
    private final Duration ttl;
    private final Drain drain;

    public WalkinResolver(SessionTokens tokens, InstanceStore store, KeyedBudgets<UUID> walkinRequests,
                   KeyedBudgets<ClientKey> creations, LiveInstances live, UuidV7 uuids, Duration ttl, Drain drain) {
        this.tokens = tokens;
        this.store = store;
        this.walkinRequests = walkinRequests;
        this.creations = creations;
        this.live = live;
        this.uuids = uuids;
        this.ttl = ttl;
        this.drain = drain;
    }

    /** {@code token} null or empty: the call provisions a walk-in. */
    Resolution resolve(Caller caller, String token) {
        return token == null || token.isEmpty() ? provision(caller) : existing(token);
    }

    private Resolution existing(String token) {
        Optional<UUID> id = tokens.verify(token);
        Optional<Instance> instance = id.flatMap(store::findLive);
        if (instance.isEmpty()) {
            return stop(new Outcome.WalkinNotFound(), null);
        }
        Session session = new Session(instance.get().id(), null, instance.get().expiresAt());
        Verdict verdict = walkinRequests.tryConsume(session.walkinId());
        if (!verdict.allowed()) {
            return stop(new Outcome.Refused(Budget.WALKIN_REQUESTS, verdict.retryAfterSeconds()), session);
        }
        return new Resolution.Reached(session);
    }

    private Resolution provision(Caller caller) {
        if (drain.draining()) {
            return stop(new Outcome.ServerDraining(), null); // before any budget is charged
        }
        if (store.disk().tripped()) {
            return stop(new Outcome.ServerStorageFull(), null); // before any budget is charged
        }
        Verdict creation = creations.tryConsume(caller.key());
        if (!creation.allowed()) {
            return stop(new Outcome.Refused(Budget.NEW_WALKINS, creation.retryAfterSeconds()), null);
        }
        UUID id = uuids.next();
        long expiresMillis = Instance.createdMillis(id) + ttl.toMillis();
        Verdict room = live.tryReserve(caller.key(), expiresMillis);
        if (!room.allowed()) {
            return stop(new Outcome.Refused(Budget.LIVE_WALKINS, room.retryAfterSeconds()), null);
        }
        Instance instance;
        try {
            instance = store.create(id, caller.address());
        } catch (IOException | RuntimeException e) {
            live.cancel(caller.key(), expiresMillis);
            if (e instanceof IOException && store.disk().nearlyFullNow()) {
                return stop(new Outcome.ServerStorageFull(), null); // the store removed what it had made
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return new Resolution.Reached(new Session(id, tokens.issue(id), instance.expiresAt()));
    }

    private static Resolution stop(Outcome outcome, Session session) {
        return new Resolution.Stopped(new CallResult(outcome, session));
    }
}
