package com.walkindb.server.http;

import com.walkindb.server.instance.InstanceStore;
import com.walkindb.server.instance.Walkins;
import com.walkindb.server.ratelimit.InFlightLimit;
import com.walkindb.server.ratelimit.ClientAddress;
import com.walkindb.server.ratelimit.ClientKey;
import com.walkindb.server.ratelimit.KeyedBudgets;
import com.walkindb.server.ratelimit.LiveInstances;
import com.walkindb.server.session.SessionTokens;
import com.walkindb.server.session.UuidV7;
import com.walkindb.server.sql.AnswerMemory;
import java.time.Duration;
import java.util.UUID;

/** Everything POST /sql needs, built once by the server. */
public record EndpointParts(InFlightLimit inFlight, ClientAddress clientAddress, KeyedBudgets<ClientKey> ipRequests,
                            KeyedBudgets<ClientKey> ipCreations, LiveInstances live,
                            KeyedBudgets<UUID> instanceRequests, SessionTokens tokens, UuidV7 uuids,
                            InstanceStore store, Walkins walkins, AnswerMemory answerMemory,
                            Duration ttl) {}
