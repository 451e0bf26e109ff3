package com.walkindb.server.call;

/**
 * One call as the transport parsed it: the SQL text and its {@code args} as a plain JSON tree
 * (List, Map, String, Long, BigInteger, Double, Boolean, null). {@code argsPresent} tells an
 * absent {@code args} from {@code "args": null}, which is invalid.
 */
public record CallRequest(String sql, boolean argsPresent, Object args) {}
