package com.walkindb.server.abuse;

import com.walkindb.server.testing.Http;
import com.walkindb.server.testing.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Speaks bytes to the server over a plain loopback socket, for requests that java.net.http will
 * not send (malformed framing, smuggling, pipelining, HTTP/1.0, stalls). Every socket has a read
 * timeout and is closed before the call returns. Answers are recorded in the case's {@link CaseRecord}.
 */
final class RawHttp {
    /** What came back on one connection. */
    record Exchange(List<Reply> answers, boolean closedByServer, boolean timedOut, long millis) {
        Reply only() {
            if (answers.size() != 1) {
                throw new AssertionError("expected exactly one response, got " + answers.size() + " (closed="
                        + closedByServer + ", timedOut=" + timedOut + ")");
            }
            return answers.get(0);
        }
    }

    private final int port;
    private final CaseRecord sink;

    /** To the server {@code http} speaks to; answers and tokens go to {@code sink}. */
    RawHttp(Http http, CaseRecord sink) {
        this.port = http.port;
        this.sink = sink;
    }

    static Socket connect(int port, int readTimeoutMs) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(readTimeoutMs);
        s.setTcpNoDelay(true);
        return s;
    }

    /** Sends {@code request}, then reads until the server closes, {@code expected} answers arrived, or the timeout. */
    Exchange exchange(byte[] request, int expected, int timeoutMs) {
        long start = System.nanoTime();
        try (Socket s = connect(port, timeoutMs)) {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            noteTokens(new String(request, StandardCharsets.ISO_8859_1));
            return read(s, expected, start, true);
        } catch (IOException e) {
            throw new AssertionError("socket failed: " + e, e);
        }
    }

    /** Reads answers from an already used socket (the connection stays usable). */
    Exchange read(Socket s, int expected, long start) throws IOException {
        return read(s, expected, start, false);
    }

    /** Reads answers; with {@code peekClose}, waits 200 ms more to see whether the server closed. */
    Exchange read(Socket s, int expected, long start, boolean peekClose) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<Reply> answers = new ArrayList<>();
        boolean closed = false;
        boolean timedOut = false;
        byte[] chunk = new byte[16384];
        int parsedUpTo = 0;
        while (answers.size() < expected) {
            int n;
            try {
                n = in.read(chunk);
            } catch (SocketTimeoutException e) {
                timedOut = true;
                break;
            } catch (IOException e) { // reset by peer counts as a close
                closed = true;
                break;
            }
            if (n < 0) {
                closed = true;
                break;
            }
            buf.write(chunk, 0, n);
            byte[] all = buf.toByteArray();
            int[] consumed = {parsedUpTo};
            Reply a;
            while ((a = parseOne(all, consumed, start)) != null) {
                answers.add(a);
                sink.record(a);
                noteTokens(a.headers().map().toString());
            }
            parsedUpTo = consumed[0];
        }
        if (peekClose && !closed && !timedOut && answers.size() >= expected) {
            // peek whether the server closed right after the last answer
            int old = s.getSoTimeout();
            s.setSoTimeout(200);
            try {
                closed = in.read() < 0;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException e) {
                closed = true;
            } finally {
                s.setSoTimeout(old);
            }
        }
        return new Exchange(answers, closed, timedOut, (System.nanoTime() - start) / 1_000_000);
    }

    private void noteTokens(String text) {
        for (String t : Tokens.findAll(text)) {
            sink.noteToken(t);
        }
    }

    /** Parses one complete response starting at consumed[0]; advances it; null when incomplete. */
    private static Reply parseOne(byte[] all, int[] consumed, long start) {
        int from = consumed[0];
        int headerEnd = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), from);
        if (headerEnd < 0) {
            return null;
        }
        String head = new String(all, from, headerEnd - from, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        int bodyStart = headerEnd + 4;
        int length = 0;
        for (var e : headers.entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Integer.parseInt(e.getValue().get(0));
            }
        }
        if (all.length < bodyStart + length) {
            return null;
        }
        String body = new String(all, bodyStart, length, StandardCharsets.UTF_8);
        consumed[0] = bodyStart + length;
        return new Reply(status, HttpHeaders.of(headers, (a, b) -> true), body,
                (System.nanoTime() - start) / 1_000_000);
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A POST /sql with the given body and Content-Type, HTTP/1.1, Connection: close. */
    static byte[] post(byte[] body, String contentType, String extraHeaders) {
        String head = "POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n"
                + (extraHeaders == null ? "" : extraHeaders) + "\r\n";
        return concat(head.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
