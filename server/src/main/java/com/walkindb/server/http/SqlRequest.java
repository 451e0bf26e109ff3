package com.walkindb.server.http;

import com.walkindb.server.sql.CallArgs;

/** A POST /sql body that passed step 3 of SPEC §1: the SQL text and its args. */
record SqlRequest(String sql, CallArgs args) {}
