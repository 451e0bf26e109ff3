package com.walkindb.server.abuse;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the access-log lines written since the last look and reports 500s, session tokens and
 * result data in them (docs/SECURITY.md, access log: the log never holds the token or results).
 */
final class AccessLogWatch {
    private final Path logs;
    private final Map<Path, Long> offsets = new HashMap<>();

    AccessLogWatch(Path dataDir) {
        this.logs = dataDir.resolve("logs");
    }

    List<String> problems(Collection<String> tokens, String secret) throws IOException {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(logs)) {
            return problems;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(logs)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).toList();
        }
        for (Path f : files) {
            for (String line : newLines(f)) {
                if (line.contains("\"http_status\":500")) {
                    problems.add("access log records a 500: " + line);
                }
                for (String t : tokens) {
                    if (line.contains(t)) {
                        problems.add("access log holds a session token: " + line);
                    }
                }
                if (line.contains(secret)) {
                    problems.add("access log holds result data: " + line);
                }
            }
        }
        return problems;
    }

    /** Complete lines appended to {@code f} since the last call. */
    private List<String> newLines(Path f) throws IOException {
        long from = offsets.getOrDefault(f, 0L);
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "r")) {
            byte[] buf = new byte[(int) (r.length() - from)];
            r.seek(from);
            r.readFully(buf);
            int end = buf.length;
            while (end > 0 && buf[end - 1] != '\n') {
                end--;
            }
            offsets.put(f, from + end);
            String text = new String(buf, 0, end, StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }
    }
}
