package com.walkindb.server.sql;

/** One entry of a batch call (docs/API.md, "Batch"): its SQL text and its own args. */
public record BatchEntry(String sql, CallArgs args) {}
