package com.walkindb.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.walkindb.server.sql.BatchEntry;
import com.walkindb.server.sql.CallArgs;
import com.walkindb.server.sql.CallOutcome;
import com.walkindb.server.sql.SqlValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The supervisor-worker frames: every argument and outcome survives the trip; broken frames fail as such. */
class FramesTest {
    private static final UUID WALKIN = UUID.fromString("01900000-0000-7000-8000-00000000abcd");

    @Test
    void aCallWithEveryKindOfArgumentComesThroughUnchanged() throws IOException {
        List<SqlValue> values = List.of(SqlValue.Null.INSTANCE, new SqlValue.Int(Long.MIN_VALUE),
                new SqlValue.Real(-0.0), new SqlValue.Real(Double.NaN), new SqlValue.Text("é ✓ \u0000 end"),
                new SqlValue.Blob(new byte[] {0, (byte) 0xff, 7}));
        Map<String, SqlValue> named = new LinkedHashMap<>();
        named.put("a", new SqlValue.Int(42));
        named.put("ünï", new SqlValue.Text(""));
        for (CallArgs args : List.of(CallArgs.None.INSTANCE, new CallArgs.Positional(values), new CallArgs.Named(named))) {
            FrameOut out = new FrameOut();
            Frames.call(out, 77, WALKIN, Frames.DISK_TRIPPED, "SELECT ?1 -- ✓", args);
            FrameIn in = FrameIn.of(out.payload());
            assertThat(in.u8()).isEqualTo(Frames.CALL);
            Frames.Call call = Frames.readCall(in);
            assertThat(call.callId()).isEqualTo(77);
            assertThat(call.walkin()).isEqualTo(WALKIN);
            assertThat(call.diskFlags()).isEqualTo(Frames.DISK_TRIPPED);
            assertThat(call.sql()).isEqualTo("SELECT ?1 -- ✓");
            assertThat(describe(call.args())).isEqualTo(describe(args));
        }
    }

    @Test
    void aBatchComesThroughUnchanged() throws IOException {
        List<BatchEntry> entries = List.of(new BatchEntry("CREATE TABLE t(x)", CallArgs.None.INSTANCE),
                new BatchEntry("INSERT INTO t VALUES (?), (?)", new CallArgs.Positional(List.of(new SqlValue.Int(1),
                        new SqlValue.Text("✓")))),
                new BatchEntry("SELECT :x", new CallArgs.Named(Map.of("x", new SqlValue.Real(0.5)))));
        FrameOut out = new FrameOut();
        Frames.batch(out, 78, WALKIN, Frames.DISK_NEARLY_FULL, entries);
        FrameIn in = FrameIn.of(out.payload());
        assertThat(in.u8()).isEqualTo(Frames.BATCH);
        Frames.Call call = Frames.readBatch(in);
        assertThat(call.callId()).isEqualTo(78);
        assertThat(call.walkin()).isEqualTo(WALKIN);
        assertThat(call.diskFlags()).isEqualTo(Frames.DISK_NEARLY_FULL);
        assertThat(call.sql()).isNull();
        assertThat(call.firstSql()).isEqualTo("CREATE TABLE t(x)");
        assertThat(call.batch()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(call.batch().get(i).sql()).isEqualTo(entries.get(i).sql());
            assertThat(describe(call.batch().get(i).args())).isEqualTo(describe(entries.get(i).args()));
        }
    }

    @Test
    void aBatchFrameThatLiesAboutItsSizeFails() {
        FrameOut out = new FrameOut();
        out.reset().u8(Frames.BATCH).i64(1).i64(WALKIN.getMostSignificantBits()).i64(WALKIN.getLeastSignificantBits())
                .u8(0).i32(0);
        FrameIn empty = FrameIn.of(out.payload());
        assertThatThrownBy(() -> {
            empty.u8();
            Frames.readBatch(empty);
        }).isInstanceOf(IOException.class).hasMessageContaining("bad batch size");
        out.reset().u8(Frames.BATCH).i64(1).i64(WALKIN.getMostSignificantBits()).i64(WALKIN.getLeastSignificantBits())
                .u8(0).i32(3).text("SELECT 1").u8(0);
        FrameIn cut = FrameIn.of(out.payload());
        assertThatThrownBy(() -> {
            cut.u8();
            Frames.readBatch(cut);
        }).isInstanceOf(IOException.class).hasMessageContaining("ends early");
    }

    @Test
    void anEntryOutcomeComesThroughAndCannotNest() throws IOException {
        CallOutcome sent = new CallOutcome.InEntry(7, new CallOutcome.InvalidSql("no such table: t", "h", 2));
        FrameOut out = new FrameOut();
        Frames.result(out, 5, sent);
        FrameIn in = FrameIn.of(out.payload());
        in.u8();
        in.i64();
        assertThat(Frames.readOutcome(in, b -> {})).isEqualTo(sent);

        Frames.result(out, 5, new CallOutcome.InEntry(1, new CallOutcome.InEntry(2, new CallOutcome.RowTooLarge(1))));
        FrameIn nested = FrameIn.of(out.payload());
        nested.u8();
        nested.i64();
        assertThatThrownBy(() -> Frames.readOutcome(nested, b -> {})).isInstanceOf(IOException.class);
        Frames.result(out, 5, new CallOutcome.InEntry(1, new CallOutcome.Timeout()));
        FrameIn notAnEntryError = FrameIn.of(out.payload());
        notAnEntryError.u8();
        notAnEntryError.i64();
        assertThatThrownBy(() -> Frames.readOutcome(notAnEntryError, b -> {})).isInstanceOf(IOException.class);
    }

    @Test
    void everyOutcomeComesThroughUnchanged() throws IOException {
        List<Long> released = new ArrayList<>();
        List<CallOutcome> outcomes = List.of(
                new CallOutcome.Success("{\"rows\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8), 4096, b -> {}),
                new CallOutcome.InvalidSql("no such table: t", null, 2),
                new CallOutcome.InvalidSql("near \"SELEC\": syntax error", "did you mean SELECT?", 1),
                new CallOutcome.Forbidden("ATTACH", 3), new CallOutcome.InvalidArgs("expected 2, got 1"),
                new CallOutcome.RowTooLarge(1), new CallOutcome.Timeout(), new CallOutcome.StorageFull(),
                new CallOutcome.ServerStorageFull(), new CallOutcome.OutOfMemory(), new CallOutcome.InstanceGone(),
                new CallOutcome.WorkerLost());
        for (CallOutcome sent : outcomes) {
            FrameOut out = new FrameOut();
            Frames.result(out, 9, sent);
            FrameIn in = FrameIn.of(out.payload());
            assertThat(in.u8()).isEqualTo(Frames.RESULT);
            assertThat(in.i64()).isEqualTo(9);
            CallOutcome got = Frames.readOutcome(in, released::add);
            if (sent instanceof CallOutcome.Success s) {
                CallOutcome.Success g = (CallOutcome.Success) got;
                assertThat(g.body()).isEqualTo(s.body());
                assertThat(g.answerMemory()).isEqualTo(4096);
                g.release().accept(g.answerMemory());
                assertThat(released).as("the share goes back to where the reader says").containsExactly(4096L);
            } else {
                assertThat(got).isEqualTo(sent);
            }
        }
    }

    @Test
    void framesFollowOneAnotherOnAStreamAndEndCleanlyBetweenFrames() throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        FrameOut out = new FrameOut();
        Frames.release(out, 123);
        out.writeTo(stream);
        Frames.evict(out, 7, WALKIN);
        out.writeTo(stream);
        FrameIn in = new FrameIn(new DataInputStream(new ByteArrayInputStream(stream.toByteArray())), 1024);
        assertThat(in.next()).isTrue();
        assertThat(in.u8()).isEqualTo(Frames.RELEASE);
        assertThat(in.i64()).isEqualTo(123);
        assertThat(in.next()).isTrue();
        assertThat(in.u8()).isEqualTo(Frames.EVICT);
        assertThat(in.i64()).isEqualTo(7);
        assertThat(Frames.readWalkin(in)).isEqualTo(WALKIN);
        assertThat(in.next()).as("end of stream between frames").isFalse();
    }

    @Test
    void aFrameThatLiesAboutItsLengthOrContentsIsAProtocolError() throws IOException {
        FrameOut out = new FrameOut();
        Frames.call(out, 1, WALKIN, 0, "SELECT 1", CallArgs.None.INSTANCE);
        byte[] payload = out.payload();
        FrameIn cut = FrameIn.of(Arrays.copyOf(payload, payload.length - 3));
        cut.u8();
        assertThatThrownBy(() -> Frames.readCall(cut)).isInstanceOf(IOException.class).hasMessageContaining("ends early");

        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        out.writeTo(stream);
        FrameIn small = new FrameIn(new DataInputStream(new ByteArrayInputStream(stream.toByteArray())), 8);
        assertThatThrownBy(small::next).isInstanceOf(IOException.class).hasMessageContaining("bad frame length");

        byte[] truncated = Arrays.copyOf(stream.toByteArray(), 10);
        FrameIn early = new FrameIn(new DataInputStream(new ByteArrayInputStream(truncated)), 1024);
        assertThatThrownBy(early::next).as("a stream that ends inside a frame").isInstanceOf(IOException.class);
    }

    private static String describe(CallArgs args) {
        return switch (args) {
            case CallArgs.None n -> "none";
            case CallArgs.Positional p -> p.values().stream().map(FramesTest::describe).toList().toString();
            case CallArgs.Named n -> n.values().entrySet().stream()
                    .map(e -> e.getKey() + "=" + describe(e.getValue())).toList().toString();
        };
    }

    private static String describe(SqlValue v) {
        return switch (v) {
            case SqlValue.Blob b -> "blob" + Arrays.toString(b.value());
            case SqlValue.Real r -> "real" + Double.doubleToRawLongBits(r.value());
            default -> v.toString();
        };
    }
}
