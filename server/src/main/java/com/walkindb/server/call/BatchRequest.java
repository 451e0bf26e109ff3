package com.walkindb.server.call;

import com.walkindb.server.json.StrictText;
import java.util.List;
import java.util.Map;

/**
 * One batch call as the transport parsed it: the {@code batch} value as a plain JSON tree (List,
 * Map, String, Long, BigInteger, Double, Boolean), not yet checked; {@link CallCore#runBatch}
 * checks its shape in the order of checks of docs/API.md.
 */
public record BatchRequest(Object batch) {
    /** Bytes of SQL text in the entries that have some, for the access log. */
    public int sqlBytes() {
        int bytes = 0;
        if (batch instanceof List<?> entries) {
            for (Object e : entries) {
                if (e instanceof Map<?, ?> m && m.get("sql") instanceof String sql) {
                    bytes += StrictText.utf8Length(sql);
                }
            }
        }
        return bytes;
    }
}
