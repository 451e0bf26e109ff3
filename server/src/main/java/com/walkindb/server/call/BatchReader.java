package com.walkindb.server.call;

import com.walkindb.server.config.Limits;
import com.walkindb.server.sql.BatchEntry;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.filter.FilterVerdict;
import com.walkindb.server.sql.filter.KeywordFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Steps 3 and 4 of the order of checks (docs/API.md) for a batch: its shape, each entry's
 * {@code sql}, then each entry's {@code args}, then the keyword pre-filter on each entry. Within
 * a step the first entry at fault is named, so the caller hears of the earliest check that
 * failed, as for a single call.
 */
final class BatchReader {
    /** The batch as the executor takes it, or why it is refused (an {@link Outcome}). */
    sealed interface Read {
        record Entries(List<BatchEntry> entries) implements Read {}

        record Refused(Outcome outcome) implements Read {}
    }

    private BatchReader() {}

    static Read read(Object tree, int maxArgs) {
        if (!(tree instanceof List<?> list) || list.isEmpty() || list.size() > Limits.MAX_BATCH_ENTRIES) {
            return refused("must have 1 to " + Limits.MAX_BATCH_ENTRIES + " entries");
        }
        int n = list.size();
        FilterVerdict[] verdicts = new FilterVerdict[n];
        for (int i = 0; i < n; i++) {
            if (!(list.get(i) instanceof Map<?, ?> entry)) {
                return refused("entry " + (i + 1) + " is not an object");
            }
            // As for a single call: sql absent, not a string, or without a statement.
            if (!(entry.get("sql") instanceof String sql)
                    || (verdicts[i] = KeywordFilter.check(sql)) instanceof FilterVerdict.NoStatement) {
                return refused("entry " + (i + 1) + " has no sql");
            }
        }
        List<BatchEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<?, ?> entry = (Map<?, ?>) list.get(i);
            Object args = entry.get("args");
            try {
                CallArgs bound = ArgsReader.read(args != null, args, maxArgs); // null counts as absent
                entries.add(new BatchEntry((String) entry.get("sql"), bound));
            } catch (ArgsReader.InvalidArgs e) {
                return new Read.Refused(new Outcome.InEntry(i + 1, new Outcome.InvalidArgs(e.getMessage())));
            }
        }
        for (int i = 0; i < n; i++) {
            if (verdicts[i] instanceof FilterVerdict.Forbidden f) {
                return new Read.Refused(new Outcome.InEntry(i + 1, new Outcome.ForbiddenKeyword(f.keyword())));
            }
        }
        return new Read.Entries(List.copyOf(entries));
    }

    private static Read refused(String why) {
        return new Read.Refused(new Outcome.InvalidBatch(why));
    }
}
