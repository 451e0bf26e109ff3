package com.walkindb.server.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.SqlValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A batch's shape, sql, args and keywords, checked in the order of docs/API.md, without a server. */
class BatchReaderTest {
    private static Map<String, Object> entry(String sql, Object args) {
        Map<String, Object> m = new HashMap<>();
        m.put("sql", sql);
        if (args != null) {
            m.put("args", args);
        }
        return m;
    }

    private static Outcome refusal(Object tree) {
        return ((BatchReader.Read.Refused) BatchReader.read(tree, 100)).outcome();
    }

    @Test
    void entriesComeOutInOrderWithTheirOwnArgs() {
        var read = (BatchReader.Read.Entries) BatchReader.read(List.of(entry("SELECT 1", null),
                entry("SELECT ?", List.of(7L)), entry("SELECT :a", Map.of("a", "x"))), 100);
        assertThat(read.entries()).hasSize(3);
        assertThat(read.entries().get(0).args()).isEqualTo(CallArgs.None.INSTANCE);
        assertThat(read.entries().get(1).args()).isEqualTo(new CallArgs.Positional(List.of(new SqlValue.Int(7))));
        assertThat(read.entries().get(2).sql()).isEqualTo("SELECT :a");
    }

    @Test
    void theShapeIsOneToFiftyObjectsWithSql() {
        assertThat(refusal(List.of())).isEqualTo(new Outcome.InvalidBatch("must have 1 to 50 entries"));
        assertThat(refusal(Collections.nCopies(51, entry("SELECT 1", null))))
                .isEqualTo(new Outcome.InvalidBatch("must have 1 to 50 entries"));
        assertThat(refusal("SELECT 1")).isEqualTo(new Outcome.InvalidBatch("must have 1 to 50 entries"));
        assertThat(refusal(List.of(entry("SELECT 1", null), 5L))).isEqualTo(new Outcome.InvalidBatch("entry 2 is not an object"));
        List<Object> withNull = new ArrayList<>();
        withNull.add(null);
        assertThat(refusal(withNull)).isEqualTo(new Outcome.InvalidBatch("entry 1 is not an object"));
        assertThat(refusal(List.of(Map.of("args", List.of())))).isEqualTo(new Outcome.InvalidBatch("entry 1 has no sql"));
        assertThat(refusal(List.of(entry("SELECT 1", null), entry(" ;; -- x", null))))
                .isEqualTo(new Outcome.InvalidBatch("entry 2 has no sql"));
    }

    @Test
    void sqlThenArgsThenKeywordsEachOverTheWholeBatch() {
        // entry 1 has a forbidden keyword, entry 2 bad args, entry 3 no sql: the sql check wins
        assertThat(refusal(List.of(entry("ATTACH 'a' AS b", null), entry("SELECT ?", 1L), entry("", null))))
                .isEqualTo(new Outcome.InvalidBatch("entry 3 has no sql"));
        // without entry 3, the args of entry 2 come before the keyword of entry 1
        Outcome args = refusal(List.of(entry("ATTACH 'a' AS b", null), entry("SELECT ?", 1L)));
        assertThat(args).isInstanceOf(Outcome.InEntry.class);
        assertThat(((Outcome.InEntry) args).entry()).isEqualTo(2);
        assertThat(((Outcome.InEntry) args).failure()).isInstanceOf(Outcome.InvalidArgs.class);
        assertThat(refusal(List.of(entry("SELECT 1", null), entry("SELECT load_extension('x')", null))))
                .isEqualTo(new Outcome.InEntry(2, new Outcome.ForbiddenKeyword("load_extension")));
    }

    @Test
    void eachEntryMayHoldAHundredValues() {
        List<Long> hundred = Collections.nCopies(100, 1L);
        assertThat(BatchReader.read(List.of(entry("SELECT 1", hundred), entry("SELECT 1", hundred)), 100))
                .isInstanceOf(BatchReader.Read.Entries.class);
        assertThat(refusal(List.of(entry("SELECT 1", Collections.nCopies(101, 1L)))))
                .isEqualTo(new Outcome.InEntry(1, new Outcome.InvalidArgs("at most 100 values, got 101")));
    }
}
