package com.walkindb.server.sql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.walkindb.server.config.Limits;
import com.walkindb.server.json.JsonFactories;
import com.walkindb.sqlite.SqliteStatement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * Encodes result rows to JSON as they are stepped, enforcing the caps of docs/API.md: at most
 * 10 000 rows and 1 MiB of encoded rows per response (rows dropped whole, {@code truncated}
 * set), and no single row over 1 MiB. Only the last statement with columns is kept.
 *
 * <p>For a batch ({@link #forBatch}) it builds one such result per entry inside
 * {@code {"results":[...]}} ({@link BatchResults}); the caps then hold for the whole answer,
 * column lists included, and once they are spent every later entry keeps its columns but no
 * rows, with {@code truncated} set.
 */
final class ResultBuilder {
    enum Added { ADDED, CAPPED, ROW_TOO_LARGE, NO_MEMORY }

    private static final JsonFactory JSON = JsonFactories.plain();
    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    /** Where an answer's buffer starts; it doubles from there as rows come. */
    static final int INITIAL_BYTES = 256;

    private final AnswerMemory memory;
    private final int maxRows;
    private final int maxResultBytes;
    private final int freeBytes;
    private final int stepBytes;
    /** This answer's share of {@link AnswerMemory}; handed to the HTTP layer with the body. */
    private long held;
    /** The body so far: {@code {"columns":[...],"rows":[} and the rows kept. */
    private final AnswerBuffer out;
    /** Where the current statement's rows begin in {@link #out}. */
    private int rowsStart;
    /** Where the row being encoded begins in {@link #out}, for {@link #encodedSize}. */
    private int rowStart;
    private int rowCount;
    private boolean truncated;
    private boolean capped;
    /** A batch's entries; null for a single call. */
    private final BatchResults batch;
    /** Where the bytes counted against the caps begin: this statement's rows, or a batch's first entry. */
    private int countFrom;
    /** Batch: where the current entry's part begins in {@link #out}. */
    private int entryStart;
    /** Batch: rows kept by the entries before the current one. */
    private int earlierRows;
    /** Batch: an earlier entry reached a cap, so no later entry keeps rows. */
    private boolean spent;

    ResultBuilder(AnswerMemory memory, Limits limits) {
        this(memory, limits, null);
    }

    /** A builder for a batch answer of {@code entries} entries; each begins with {@link #startEntry}. */
    static ResultBuilder forBatch(AnswerMemory memory, Limits limits, int entries) {
        return new ResultBuilder(memory, limits, new BatchResults(entries));
    }

    private ResultBuilder(AnswerMemory memory, Limits limits, BatchResults batch) {
        this.memory = memory;
        this.maxRows = limits.maxRows();
        this.maxResultBytes = limits.maxResultBytes();
        this.freeBytes = limits.answerFreeBytes();
        this.stepBytes = limits.answerStepBytes();
        // Most answers are a few hundred bytes (SELECT 1's is 66): a 4 KiB start was two thirds
        // of what a cached SELECT 1 allocated; larger answers double their way up.
        this.out = new AnswerBuffer(INITIAL_BYTES, maxResultBytes);
        this.batch = batch;
        if (batch == null) {
            start(null, 0);
        } else {
            out.writeAscii(BatchResults.PREFIX);
            countFrom = out.size();
        }
    }

    /** Batch: the next entry begins, with no columns and no rows until a statement of it has some. */
    void startEntry() {
        if (batch.count() > 0) {
            out.write(',');
        }
        entryStart = out.size();
        start(null, 0);
    }

    /** Batch: the current entry is done; its statements changed {@code rowsAffected} rows. */
    void finishEntry(long rowsAffected) {
        batch.finish(out.size(), rowsAffected, truncated);
        earlierRows += rowCount;
        spent |= capped;
    }

    /** Batch: a plain ROLLBACK discarded the finished entries' writes too. */
    void discardEarlierRowsAffected() {
        batch.discardRowsAffected();
    }

    /**
     * A statement with columns starts: its rows replace any earlier statement's (of the same
     * entry, in a batch). False when its column list alone passes the answer's byte cap (in a
     * batch: what is left of it): the call then fails as a row too large would.
     */
    boolean start(SqliteStatement st, int columnCount) {
        out.truncate(entryStart);
        rowCount = 0;
        truncated = spent;
        capped = spent;
        out.writeAscii("{\"columns\":");
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (int i = 0; i < columnCount; i++) {
                String name = st.columnName(i);
                g.writeString(name == null ? "" : name);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.writeAscii(",\"rows\":[");
        rowsStart = out.size();
        if (batch == null) {
            countFrom = rowsStart;
            // A single call's cap counts rows only, but its column list is bounded too: names of
            // thousands of ALTERed-in columns would otherwise make an answer of many MiB.
            return rowsStart - entryStart <= maxResultBytes;
        }
        return out.size() - countFrom <= maxResultBytes;
    }

    /** Encodes the statement's current row, unless a cap was reached. */
    Added add(SqliteStatement st, int columnCount) {
        if (capped) {
            return Added.CAPPED;
        }
        if (earlierRows + rowCount == maxRows) {
            return cap();
        }
        int before = out.size();
        if (rowCount > 0) {
            out.write(',');
        }
        rowStart = out.size();
        boolean tooLarge = false;
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (int i = 0; i < columnCount && !tooLarge; i++) {
                writeValue(g, st, i);
                // stop early: never hold more than one oversized value
                tooLarge = encodedSize(g) > maxResultBytes;
            }
            g.writeEndArray();
        } catch (RowOverflow e) {
            tooLarge = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // only now, after the generator has flushed (and closed any open array) into the buffer
        if (tooLarge || out.size() - rowStart > maxResultBytes) {
            out.truncate(before);
            return Added.ROW_TOO_LARGE;
        }
        if (out.size() - countFrom > maxResultBytes) {
            out.truncate(before);
            return cap();
        }
        if (!hasMemoryFor(out.size() - countFrom)) {
            out.truncate(before);
            return Added.NO_MEMORY;
        }
        rowCount++;
        return Added.ADDED;
    }

    /** Takes more of the answer budget when {@code size} bytes of rows pass what is held. */
    private boolean hasMemoryFor(long size) {
        long missing = size - freeBytes - held;
        if (missing <= 0) {
            return true;
        }
        long step = Math.min(Math.max(missing, stepBytes), maxResultBytes - held);
        if (!memory.tryTake(step)) {
            return false;
        }
        held += step;
        return true;
    }

    /** The share the body holds; the caller releases it once the answer is written. */
    long handOver() {
        long share = held;
        held = 0;
        return share;
    }

    /** Releases the share of an answer that will not be sent. */
    void releaseHeld() {
        memory.release(handOver());
    }

    private Added cap() {
        capped = true;
        truncated = true;
        return Added.CAPPED;
    }

    /** The row passed 1 MiB in the middle of a value: it is too large whatever follows. */
    private static final class RowOverflow extends IOException {
        RowOverflow() {
            super(null, null);
        }
    }

    /**
     * Writes one value, never letting the row's buffer grow far past the cap: a BLOB whose base64
     * alone would pass it is not encoded at all, and a TEXT is streamed in pieces with the size
     * checked between them (escaping can make 1 MB of control characters six times longer).
     */
    private void writeValue(JsonGenerator g, SqliteStatement st, int i) throws IOException {
        int type = st.columnType(i);
        if (type == SqliteStatement.BLOB || type == SqliteStatement.TEXT) {
            long least = type == SqliteStatement.BLOB ? 4L * ((st.columnBytes(i) + 2) / 3) : st.columnBytes(i);
            if (encodedSize(g) + least > maxResultBytes) {
                throw new RowOverflow();
            }
        }
        if (type == SqliteStatement.TEXT) {
            String text = st.columnText(i);
            if (encodedSize(g) + 6L * text.length() <= maxResultBytes) {
                g.writeString(text); // fits even if every character needed a six-byte escape
            } else {
                g.writeString(new CappedReader(text, g), text.length());
            }
            return;
        }
        writeScalar(g, st, i, type);
    }

    /** The row's bytes so far: in the buffer plus still inside the generator (no flush needed). */
    private long encodedSize(JsonGenerator g) {
        return out.size() - rowStart + g.getOutputBuffered();
    }

    /** Hands the generator a string in pieces and stops it once the row's buffer passes the cap. */
    private final class CappedReader extends java.io.Reader {
        private static final int PIECE = 8192;
        private final String text;
        private final JsonGenerator g;
        private int next;

        CappedReader(String text, JsonGenerator g) {
            this.text = text;
            this.g = g;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            if (next == text.length()) {
                return -1;
            }
            if (encodedSize(g) > maxResultBytes) {
                throw new RowOverflow();
            }
            int n = Math.min(Math.min(len, PIECE), text.length() - next);
            text.getChars(next, next + n, buf, off);
            next += n;
            return n;
        }

        @Override
        public void close() {
            // nothing to release: the string is the caller's
        }
    }

    private static void writeScalar(JsonGenerator g, SqliteStatement st, int i, int type) throws IOException {
        switch (type) {
            case SqliteStatement.INTEGER -> g.writeNumber(st.columnLong(i));
            case SqliteStatement.FLOAT -> {
                double d = st.columnDouble(i);
                if (Double.isFinite(d)) {
                    g.writeNumber(d); // Double.toString: always "2.0" or "1.0E300", never "2"
                } else {
                    g.writeNull();
                }
            }
            case SqliteStatement.BLOB -> {
                g.writeStartObject();
                g.writeFieldName("base64");
                byte[] base64 = BASE64.encode(st.columnBlob(i)); // ASCII: nothing to escape, no String needed
                g.writeRawUTF8String(base64, 0, base64.length);
                g.writeEndObject();
            }
            default -> g.writeNull();
        }
    }

    /** Batch: the complete response body, once every entry is finished. */
    byte[] batchBody() {
        return batch.body(out);
    }

    /** The complete response body. */
    byte[] body(long rowsAffected) {
        out.writeAscii("],\"rows_affected\":" + rowsAffected + ",\"truncated\":" + truncated + "}");
        return out.toByteArray();
    }
}
