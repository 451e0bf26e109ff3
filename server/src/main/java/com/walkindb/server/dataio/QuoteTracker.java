package com.walkindb.server.dataio;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Follows RFC 4180 quoting in the text a CSV parser reads, to tell at the end whether a quoted
 * field was left open: FastCSV takes an unclosed quote at the end of the input as a field that
 * runs to the end, and the contract refuses it.
 */
final class QuoteTracker extends FilterReader {
    private boolean fieldStart = true;
    private boolean inQuotes;
    /** Inside quotes, a quote was just read: the field closes unless another quote follows. */
    private boolean quoteSeen;

    QuoteTracker(Reader in) {
        super(in);
    }

    /** Whether the text read so far ends inside a quoted field. */
    boolean unclosed() {
        return inQuotes && !quoteSeen;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c != -1) {
            see((char) c);
        }
        return c;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        for (int i = 0; i < n; i++) {
            see(buf[off + i]);
        }
        return n;
    }

    private void see(char c) {
        if (inQuotes) {
            if (quoteSeen) {
                quoteSeen = false;
                if (c == '"') {
                    return; // "" inside quotes: one literal quote
                }
                inQuotes = false; // the quote before closed the field; c follows it
            } else {
                quoteSeen = c == '"';
                return;
            }
        }
        if (c == '"' && fieldStart) {
            inQuotes = true;
            fieldStart = false;
        } else {
            fieldStart = c == ',' || c == '\n' || c == '\r';
        }
    }
}
