package com.walkindb.server.dataio;

import java.io.IOException;
import java.io.Reader;

/**
 * Cuts an SQL script into statements as it streams in, so that SQLite is handed one statement
 * at a time. A statement ends at a {@code ;} outside strings, quoted names and comments; a
 * {@code CREATE [TEMP] TRIGGER} ends only at {@code ; END ;}, as {@code sqlite3_complete} decides.
 * What comes out still goes through SQLite's own parser: the splitter only decides where to cut.
 */
final class ScriptSplitter {
    /** A statement longer than the cap, or text that cannot be read. */
    static final class TooLong extends IOException {
        TooLong(String message) {
            super(message);
        }
    }

    private final Reader in;
    private final int maxChars;
    private final StringBuilder current = new StringBuilder();
    private int pushedBack = -1;

    ScriptSplitter(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next statement with its {@code ;} (the last may lack it), or null at the end of the script. */
    String next() throws IOException {
        current.setLength(0);
        Words words = new Words();
        int c;
        while ((c = read()) != -1) {
            append((char) c);
            switch (c) {
                case '\'', '"', '`' -> {
                    words.other();
                    quoted((char) c, (char) c);
                }
                case '[' -> {
                    words.other();
                    quoted('[', ']');
                }
                case '-' -> {
                    int d = read();
                    if (d == '-') {
                        append('-');
                        lineComment();
                    } else {
                        unread(d);
                        words.other();
                    }
                }
                case '/' -> {
                    int d = read();
                    if (d == '*') {
                        append('*');
                        blockComment();
                    } else {
                        unread(d);
                        words.other();
                    }
                }
                case ';' -> {
                    if (words.semicolon()) {
                        return current.toString();
                    }
                }
                default -> {
                    if (isWordChar(c)) {
                        StringBuilder w = new StringBuilder().append((char) c);
                        int d;
                        while ((d = read()) != -1 && isWordChar(d)) {
                            append((char) d);
                            if (w.length() < 16) {
                                w.append((char) d);
                            }
                        }
                        unread(d);
                        words.word(w.toString());
                    } else if (!Character.isWhitespace(c)) {
                        words.other();
                    }
                }
            }
        }
        return current.toString().isBlank() ? null : current.toString();
    }

    /** Which words the statement has seen: enough to know a trigger and its {@code ; END ;}. */
    private static final class Words {
        private static final int PAST_START = 3;
        /** Words of the start seen: 1 after CREATE, 2 after CREATE TEMP; PAST_START once decided. */
        private int start;
        private boolean trigger;
        /** 0: nothing; 1: a ';' was the last token; 2: ';' then END. */
        private int tail;

        void word(String w) {
            String u = w.toUpperCase(java.util.Locale.ROOT);
            switch (start) {
                case 0 -> start = u.equals("CREATE") ? 1 : PAST_START;
                case 1 -> {
                    if (u.equals("TEMP") || u.equals("TEMPORARY")) {
                        start = 2;
                    } else {
                        trigger = u.equals("TRIGGER");
                        start = PAST_START;
                    }
                }
                case 2 -> {
                    trigger = u.equals("TRIGGER");
                    start = PAST_START;
                }
                default -> { }
            }
            tail = tail == 1 && u.equals("END") ? 2 : 0;
        }

        /** Any other token (punctuation, a string) between ';' and END. */
        void other() {
            tail = 0;
        }

        /** True when this ';' ends the statement. */
        boolean semicolon() {
            if (!trigger || tail == 2) {
                return true;
            }
            tail = 1;
            return false;
        }
    }

    private void quoted(char open, char close) throws IOException {
        int c;
        while ((c = read()) != -1) {
            append((char) c);
            if (c == close) {
                if (open == '[') {
                    return;
                }
                int d = read();
                if (d != close) { // a doubled quote is one quote inside
                    unread(d);
                    return;
                }
                append((char) d);
            }
        }
    }

    private void lineComment() throws IOException {
        int c;
        while ((c = read()) != -1) {
            append((char) c);
            if (c == '\n') {
                return;
            }
        }
    }

    private void blockComment() throws IOException {
        int c;
        boolean star = false;
        while ((c = read()) != -1) {
            append((char) c);
            if (star && c == '/') {
                return;
            }
            star = c == '*';
        }
    }

    private static boolean isWordChar(int c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 0x7f;
    }

    private void append(char c) throws TooLong {
        if (current.length() >= maxChars) {
            throw new TooLong("statement too long");
        }
        current.append(c);
    }

    private int read() throws IOException {
        if (pushedBack != -1) {
            int c = pushedBack;
            pushedBack = -1;
            return c;
        }
        return in.read();
    }

    private void unread(int c) {
        pushedBack = c;
    }
}
