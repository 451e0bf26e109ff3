package com.walkindb.server.http;

import com.walkindb.server.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** Reads a POST body under the 8 KB cap without ever holding more than the cap plus one byte. */
final class RequestBody {
    private RequestBody() {}

    /** The body, or null when it is over the cap (by Content-Length or while reading). */
    static byte[] read(Request request) throws IOException {
        long declared = request.getLength();
        if (declared > Config.MAX_BODY_BYTES) {
            return null;
        }
        byte[] buf = new byte[Config.MAX_BODY_BYTES + 1];
        int n = 0;
        try (InputStream in = Content.Source.asInputStream(request)) {
            int r;
            while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
            }
        }
        if (n > Config.MAX_BODY_BYTES) {
            return null;
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    /** application/json, with no charset or charset=utf-8. */
    static boolean isJson(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        String[] parts = type.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String cs = p.substring(eq + 1).trim().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!cs.equals("utf-8") && !cs.equals("utf8")) {
                    return false;
                }
            }
        }
        return true;
    }
}
