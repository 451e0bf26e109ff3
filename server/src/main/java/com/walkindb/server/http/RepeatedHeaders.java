package com.walkindb.server.http;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The request headers POST /sql acts on that must come once (docs/API.md, "duplicate header").
 * With two lines the server would act on the first while a proxy in front may have read the
 * last, so the two would see different requests; such a request is refused instead.
 */
final class RepeatedHeaders {
    private RepeatedHeaders() {}

    /** The canonical name of the first such header the request repeats (any case), or null. */
    static String find(HttpFields headers) {
        int contentTypes = 0;
        int sessions = 0;
        for (HttpField f : headers) {
            if (f.getHeader() == HttpHeader.CONTENT_TYPE) {
                contentTypes++;
            } else if (f.is(SqlEndpoint.SESSION_HEADER)) {
                sessions++;
            }
        }
        return contentTypes > 1 ? "Content-Type" : sessions > 1 ? SqlEndpoint.SESSION_HEADER : null;
    }
}
