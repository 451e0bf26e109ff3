package com.walkindb.server.http;

import com.walkindb.server.sql.CallArgs;

/** A POST /sql body that passed step 3 of the order of checks in docs/API.md: the SQL text and its args. */
record SqlRequest(String sql, CallArgs args) {}
