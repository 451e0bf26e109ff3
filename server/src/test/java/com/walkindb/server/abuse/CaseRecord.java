package com.walkindb.server.abuse;

import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one client of a case sent and got, for the harness to check after the case: every answer,
 * and every session token sent (in a call the client built) or received — by {@link Http}, as its
 * listener, and by {@link RawHttp}. A resend after the JDK's pool race becomes an
 * {@code ABUSE-CASE} line.
 */
final class CaseRecord implements Http.Listener {
    private final List<Reply> answers = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();

    /** A client that records here, with the suite's per-call timeout. */
    static Http client(String base, CaseRecord record) {
        return new Http(base, null, Http.DEFAULT_TIMEOUT, record);
    }

    /** Forgets what the previous case recorded. */
    void reset() {
        answers.clear();
        tokens.clear();
    }

    List<Reply> answers() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    Set<String> tokens() {
        return Set.copyOf(tokens);
    }

    /** Walk-ins the case touched: named by a token it sent or received. */
    Set<UUID> touchedInstances() {
        Set<UUID> out = new HashSet<>();
        for (String t : tokens) {
            UUID id = Tokens.instanceId(t);
            if (id != null) {
                out.add(id);
            }
        }
        return out;
    }

    void noteToken(String token) {
        if (token != null && !token.isEmpty()) {
            tokens.add(token);
        }
    }

    void record(Reply a) {
        answers.add(a);
    }

    @Override
    public void tokenSeen(String token) {
        noteToken(token);
    }

    @Override
    public void answered(Reply reply) {
        record(reply);
    }

    @Override
    public void resent(String note) {
        Stats.line(note);
    }
}
