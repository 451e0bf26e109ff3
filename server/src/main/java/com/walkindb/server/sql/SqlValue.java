package com.walkindb.server.sql;

/** A value a caller binds to a statement parameter (docs/API.md, "args"). */
public sealed interface SqlValue {
    record Int(long value) implements SqlValue {}

    record Real(double value) implements SqlValue {}

    record Text(String value) implements SqlValue {}

    record Blob(byte[] value) implements SqlValue {}

    record Null() implements SqlValue {
        public static final Null INSTANCE = new Null();
    }
}
