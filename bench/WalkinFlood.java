import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The long run of bench/run.sh: provisions walk-ins back to back, each one a {@code POST /sql
 * SELECT 1} without a session header, from a few creator threads on keep-alive sockets. A walk-in
 * counts as created only on a 200 that carries {@code X-Walkin-Session}; everything else (another
 * status, a dropped connection, a timeout) is a failure and is tallied by status (0 = socket).
 *
 * <p>Plain sockets instead of java.net.http: the request is fixed bytes and the parser reads only
 * the status line, three headers and the body, so the generator's own cost stays small and known.
 *
 * <p>Run: {@code java bench/WalkinFlood.java HOST PORT COUNT CREATORS SERVER_PID MAX_SECONDS
 * SAMPLE_EVERY}. Prints {@code SAMPLE ...} lines every SAMPLE_EVERY walk-ins created (the server's
 * RSS, and the PSS of the server and every process under it: its SQL workers) and one {@code
 * RESULT ...} line; the keys are read by run.sh.
 */
public final class WalkinFlood {
    private static final byte[] BODY = "{\"sql\":\"SELECT 1\"}".getBytes(StandardCharsets.US_ASCII);

    private final String host;
    private final int port;
    private final int count;
    private final long serverPid;
    private final int sampleEvery;
    private final long deadlineNanos;
    private final byte[] request;
    private final long[] latencyNanos;
    private final long[] startNanos; // when each call began, relative to the run's start
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger created = new AtomicInteger();
    private final LongAdder failed = new LongAdder();
    private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final long runStart = System.nanoTime();
    private volatile long lastSampleNanos = runStart;
    private volatile int lastSampleCount;

    private WalkinFlood(String host, int port, int count, long serverPid, int maxSeconds, int sampleEvery) {
        this.host = host;
        this.port = port;
        this.count = count;
        this.serverPid = serverPid;
        this.sampleEvery = sampleEvery;
        this.deadlineNanos = runStart + maxSeconds * 1_000_000_000L;
        this.latencyNanos = new long[count];
        this.startNanos = new long[count];
        String head = "POST /sql HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                + "Content-Type: application/json\r\nUser-Agent: walkindb-bench\r\n"
                + "Content-Length: " + BODY.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        request = Arrays.copyOf(h, h.length + BODY.length);
        System.arraycopy(BODY, 0, request, h.length, BODY.length);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: WalkinFlood HOST PORT COUNT CREATORS SERVER_PID MAX_SECONDS SAMPLE_EVERY");
            System.exit(2);
        }
        WalkinFlood flood = new WalkinFlood(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Long.parseLong(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]));
        flood.run(Integer.parseInt(args[3]));
    }

    private void run(int creators) throws InterruptedException {
        Thread[] threads = new Thread[creators];
        for (int i = 0; i < creators; i++) {
            threads[i] = Thread.ofPlatform().name("creator-" + i).start(this::creator);
        }
        for (Thread t : threads) {
            t.join();
        }
        report();
    }

    private void creator() {
        BenchHttp conn = null;
        while (true) {
            int i = next.getAndIncrement();
            if (i >= count || System.nanoTime() > deadlineNanos) {
                break;
            }
            long t0 = System.nanoTime();
            int status;
            boolean session = false;
            try {
                if (conn == null) {
                    conn = new BenchHttp(host, port);
                }
                BenchHttp.Response r = conn.exchange(request);
                status = r.status();
                session = r.session() != null;
                if (r.close()) {
                    conn.close();
                    conn = null;
                }
            } catch (IOException e) {
                status = 0;
                if (conn != null) {
                    conn.close();
                    conn = null;
                }
            }
            latencyNanos[i] = System.nanoTime() - t0;
            startNanos[i] = t0 - runStart;
            statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
            if (status == 200 && session) {
                int n = created.incrementAndGet();
                if (n % sampleEvery == 0) {
                    sample(n);
                }
            } else {
                failed.increment();
            }
        }
        if (conn != null) {
            conn.close();
        }
    }

    private synchronized void sample(int n) {
        long now = System.nanoTime();
        double elapsed = (now - runStart) / 1e9;
        double interval = (n - lastSampleCount) / ((now - lastSampleNanos) / 1e9);
        lastSampleNanos = now;
        lastSampleCount = n;
        System.out.printf("SAMPLE created=%d elapsed_s=%.1f rate=%.1f interval_rate=%.1f rss_kb=%d pss_kb=%d failed=%d%n",
                n, elapsed, n / elapsed, interval, rssKb(), treePssKb(), failed.sum());
        System.out.flush();
    }

    private long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the server is gone or /proc is unreadable: report -1 rather than stop the run
        }
        return -1;
    }

    /** PSS of the server and its descendants (the SQL workers), -1 when one is unreadable. */
    private long treePssKb() {
        var tree = ProcessHandle.of(serverPid).stream()
                .flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))
                .toList();
        long sum = 0;
        for (ProcessHandle p : tree) {
            long kb = -1;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/smaps_rollup"))) {
                    if (line.startsWith("Pss:")) {
                        kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        break;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // gone or unreadable: the sum would be wrong, so there is none
            }
            if (kb < 0) {
                return -1;
            }
            sum += kb;
        }
        return tree.isEmpty() ? -1 : sum;
    }

    private void report() {
        int attempted = Math.min(next.get(), count);
        double elapsed = (System.nanoTime() - runStart) / 1e9;
        int slow = 0;
        int worst = 0;
        for (int i = 0; i < attempted; i++) {
            if (latencyNanos[i] > 1_000_000_000L) {
                slow++;
            }
            if (latencyNanos[i] > latencyNanos[worst]) {
                worst = i;
            }
        }
        // Calls slower than 1 s, and when the slowest one began: a stall shows up here.
        System.out.printf("SLOW over_1s=%d worst_ms=%.1f worst_began_at_s=%.1f%n", slow,
                attempted == 0 ? 0 : latencyNanos[worst] / 1e6, attempted == 0 ? 0 : startNanos[worst] / 1e9);
        for (int i = 0, shown = 0; i < attempted && shown < 20; i++) {
            if (latencyNanos[i] > 1_000_000_000L) {
                System.out.printf("SLOW call=%d began_at_s=%.3f ms=%.1f%n", i, startNanos[i] / 1e9, latencyNanos[i] / 1e6);
                shown++;
            }
        }
        long[] lat = Arrays.copyOf(latencyNanos, attempted);
        Arrays.sort(lat);
        StringBuilder st = new StringBuilder();
        new TreeMap<>(statuses).forEach((k, v) -> st.append(st.isEmpty() ? "" : ",").append(k).append(':').append(v.sum()));
        System.out.printf("RESULT attempted=%d created=%d failed=%d elapsed_s=%.1f rate=%.1f p50_ms=%.2f p99_ms=%.2f "
                        + "p999_ms=%.2f max_ms=%.2f over_1s=%d stopped=%s rss_kb=%d statuses=%s%n",
                attempted, created.get(), failed.sum(), elapsed, created.get() / elapsed,
                pct(lat, 50), pct(lat, 99), pct(lat, 99.9), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6, slow,
                attempted < count ? "time-cap" : "done", rssKb(), st);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }
}
