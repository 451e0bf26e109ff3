import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Worker kill to next answer, for bench/run.sh (process isolation only): how long the walk-ins
 * go unanswered when a SQL worker dies.
 *
 * <p>Creates SESSIONS walk-ins, then KILLS times: waits until the operator's {@code GET /status}
 * says the spare is ready, notes t0, sends SIGKILL to the first worker of the list, and at once
 * fires {@code SELECT 1} on every walk-in concurrently, each on its own keep-alive socket. A
 * walk-in that gets a 503 or a connection error asks again at once; it is done at its first 200.
 * Per kill it prints the slowest walk-in's (first 200 - t0), the slowest of those never refused
 * (mostly the other worker's walk-ins) and the 503s seen; the last line is
 * {@code RESULT ...} with the median and the max of those per-kill maxima (run.sh reads it).
 *
 * <p>Right before each kill the same burst runs once without a kill: its slowest walk-in is the
 * baseline (32 calls at once queue on a small box anyway), printed as {@code baseline_max_ms},
 * and the RESULT line carries the median of those baselines and of what each kill added to
 * its own baseline.
 *
 * <p>Between kills it waits until the killed PID has left the worker list, so every kill is of a
 * worker the pool still counted on. Before the first kill, every walk-in has answered a few
 * rounds, so the sockets are open and this JVM has run the code path.
 *
 * <p>Run: {@code java bench/WorkerKill.java HOST PORT ADMIN_PORT SESSIONS KILLS}. Needs the right
 * to signal the server's children (same user, or root).
 */
public final class WorkerKill {
    private static final byte[] BODY = "{\"sql\":\"SELECT 1\"}".getBytes(StandardCharsets.US_ASCII);
    private static final long ROUND_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long READY_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int WARM_ROUNDS = 50;
    private static final Pattern WORKER =
            Pattern.compile("\\{\"name\":\"([^\"]+)\",\"pid\":(-?\\d+),\"ready\":(true|false)");
    private static final Pattern SPARE = Pattern.compile("\"spare\":\\{\"pid\":(-?\\d+),\"ready\":(true|false)");
    private static final Pattern RESTARTS = Pattern.compile("\"restarts\":(\\d+)");

    private final String host;
    private final int port;
    private final int adminPort;

    private WorkerKill(String host, int port, int adminPort) {
        this.host = host;
        this.port = port;
        this.adminPort = adminPort;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: WorkerKill HOST PORT ADMIN_PORT SESSIONS KILLS");
            System.exit(2);
        }
        WorkerKill bench = new WorkerKill(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        System.exit(bench.run(Integer.parseInt(args[3]), Integer.parseInt(args[4])));
    }

    private int run(int sessions, int kills) throws Exception {
        List<Session> all = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            all.add(newWalkin());
        }
        Status first = status();
        if (!first.processMode()) {
            System.out.println("RESULT error=no-workers (the server does not run SQL in worker processes)");
            return 1;
        }
        System.out.printf("walk-ins %d; workers %s; spare pid %d%n", sessions, first.describe(), first.sparePid);
        for (int i = 0; i < WARM_ROUNDS; i++) {
            var unusedWarm = round(all, () -> { });
        }

        long[] maxima = new long[kills];
        long[] cleanMaxima = new long[kills];
        long[] baselines = new long[kills];
        long[] added = new long[kills];
        long total503 = 0;
        long totalErrors = 0;
        for (int k = 0; k < kills; k++) {
            Status before = awaitSpareReady();
            long pid = before.workerPids.getFirst();
            String name = before.workerNames.getFirst();
            ProcessHandle victim = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
            baselines[k] = round(all, () -> { }).maxNanos;
            Round r = round(all, () -> {
                if (!victim.destroyForcibly()) {
                    throw new IllegalStateException("could not send SIGKILL to " + pid);
                }
            });
            if (r.unanswered > 0) {
                System.out.printf("RESULT error=unanswered kill=%d walkins=%d (no 200 within %d s)%n", k + 1,
                        r.unanswered, TimeUnit.NANOSECONDS.toSeconds(ROUND_LIMIT_NANOS));
                return 1;
            }
            maxima[k] = r.maxNanos;
            added[k] = r.maxNanos - baselines[k];
            cleanMaxima[k] = r.maxCleanNanos;
            total503 += r.status503;
            totalErrors += r.socketErrors;
            System.out.printf("KILL n=%d worker=%s pid=%d max_ms=%.1f median_ms=%.1f min_ms=%.1f never_refused_max_ms=%.1f"
                    + " s503=%d socket_errors=%d other=%d baseline_max_ms=%.1f%n", k + 1, name, pid, r.maxNanos / 1e6,
                    r.medianNanos / 1e6, r.minNanos / 1e6, r.maxCleanNanos / 1e6, r.status503, r.socketErrors, r.other,
                    baselines[k] / 1e6);
            awaitGone(pid, before.restarts);
        }
        Status last = status();
        long[] sorted = maxima.clone();
        Arrays.sort(sorted);
        System.out.printf("RESULT kills=%d median_ms=%.1f max_ms=%.1f s503=%d socket_errors=%d restarts=%d maxima_ms=%s"
                + " never_refused_maxima_ms=%s baseline_median_ms=%.1f added_median_ms=%.1f%n", kills,
                sorted[kills / 2] / 1e6, sorted[kills - 1] / 1e6, total503, totalErrors, last.restarts, millis(maxima),
                millis(cleanMaxima), median(baselines) / 1e6, median(added) / 1e6);
        for (Session s : all) {
            s.close();
        }
        return 0;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String millis(long[] nanos) {
        return Arrays.stream(nanos).mapToObj(n -> String.format("%.1f", n / 1e6)).reduce((a, b) -> a + "," + b).orElse("");
    }

    /**
     * Every walk-in asks until its first 200, measured from t0: the moment just before {@code
     * atStart} runs (the kill). The threads are started and waiting beforehand, so their start
     * is not in the figure.
     */
    private Round round(List<Session> all, Runnable atStart) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch waiting = new CountDownLatch(all.size());
        CountDownLatch done = new CountDownLatch(all.size());
        long[] t0 = new long[1]; // written before go opens, read after: the latch orders it
        long[] answered = new long[all.size()];
        boolean[] refused = new boolean[all.size()]; // had a 503 or an error before its 200
        AtomicInteger s503 = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicLong unanswered = new AtomicLong();
        for (int i = 0; i < all.size(); i++) {
            Session s = all.get(i);
            int slot = i;
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    waiting.countDown();
                    go.await();
                    while (true) {
                        int status = s.select1();
                        if (status == 200) {
                            answered[slot] = System.nanoTime() - t0[0];
                            return;
                        }
                        refused[slot] = true;
                        if (status == 503) {
                            s503.incrementAndGet();
                        } else if (status == 0) {
                            errors.incrementAndGet();
                        } else {
                            other.incrementAndGet();
                        }
                        if (System.nanoTime() - t0[0] > ROUND_LIMIT_NANOS) {
                            unanswered.incrementAndGet();
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    unanswered.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
        }
        waiting.await();
        t0[0] = System.nanoTime();
        atStart.run();
        go.countDown();
        if (!done.await(ROUND_LIMIT_NANOS + TimeUnit.SECONDS.toNanos(15), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("walk-ins still waiting for an answer");
        }
        long[] sorted = answered.clone();
        Arrays.sort(sorted);
        long maxClean = 0;
        for (int i = 0; i < answered.length; i++) {
            if (!refused[i]) {
                maxClean = Math.max(maxClean, answered[i]);
            }
        }
        return new Round(sorted[sorted.length - 1], sorted[sorted.length / 2], sorted[0], maxClean, s503.get(),
                errors.get(), other.get(), unanswered.get());
    }

    /** maxCleanNanos: the slowest of the walk-ins answered at their first ask (none refused). */
    private record Round(long maxNanos, long medianNanos, long minNanos, long maxCleanNanos, int status503, int socketErrors, int other, long unanswered) {}

    private Status awaitSpareReady() throws IOException, InterruptedException {
        long end = System.nanoTime() + READY_LIMIT_NANOS;
        while (true) {
            Status s = status();
            if (s.spareReady && s.allReady) {
                return s;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the spare was not ready within 60 s: " + s.describe());
            }
            Thread.sleep(20); // polling an external process's state: nothing to wait on here
        }
    }

    /** Until the pool has counted the kill and put another process in the killed worker's place. */
    private void awaitGone(long pid, long restartsBefore) throws IOException, InterruptedException {
        long end = System.nanoTime() + READY_LIMIT_NANOS;
        while (true) {
            Status s = status();
            if (s.restarts > restartsBefore && !s.workerPids.contains(pid)) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("worker pid " + pid + " still listed after 60 s: " + s.describe());
            }
            Thread.sleep(20);
        }
    }

    private Status status() throws IOException {
        try (BenchHttp c = new BenchHttp(host, adminPort)) {
            byte[] req = ("GET /status HTTP/1.1\r\nHost: " + host + ":" + adminPort
                    + "\r\nUser-Agent: walkindb-bench\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            BenchHttp.Response r = c.exchange(req);
            if (r.status() != 200) {
                throw new IOException("GET /status answered " + r.status());
            }
            return Status.parse(r.body());
        }
    }

    private Session newWalkin() throws IOException {
        BenchHttp c = new BenchHttp(host, port);
        BenchHttp.Response r = c.exchange(sqlRequest(null));
        if (r.status() != 200 || r.session() == null) {
            c.close();
            throw new IOException("creating a walk-in answered " + r.status() + ": " + r.body());
        }
        return new Session(this, r.session(), c);
    }

    private byte[] sqlRequest(String token) {
        String head = "POST /sql HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                + "Content-Type: application/json\r\nUser-Agent: walkindb-bench\r\n"
                + (token == null ? "" : "X-Walkin-Session: " + token + "\r\n")
                + "Content-Length: " + BODY.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(h, h.length + BODY.length);
        System.arraycopy(BODY, 0, request, h.length, BODY.length);
        return request;
    }

    /** One walk-in and its own keep-alive socket, reopened after an error. */
    private static final class Session {
        private final WorkerKill bench;
        private final byte[] request;
        private BenchHttp conn;

        Session(WorkerKill bench, String token, BenchHttp conn) {
            this.bench = bench;
            this.request = bench.sqlRequest(token);
            this.conn = conn;
        }

        /** The status of one {@code SELECT 1}, 0 when the connection failed. */
        int select1() {
            try {
                if (conn == null) {
                    conn = new BenchHttp(bench.host, bench.port);
                }
                BenchHttp.Response r = conn.exchange(request);
                if (r.close()) {
                    close();
                }
                return r.status();
            } catch (IOException e) {
                close();
                return 0;
            }
        }

        void close() {
            if (conn != null) {
                conn.close();
                conn = null;
            }
        }
    }

    /** What the run needs of {@code GET /status}: the workers in slot order and the spare. */
    private record Status(List<String> workerNames, List<Long> workerPids, boolean allReady, long sparePid,
            boolean spareReady, long restarts) {
        static Status parse(String json) {
            List<String> names = new ArrayList<>();
            List<Long> pids = new ArrayList<>();
            boolean ready = true;
            Matcher w = WORKER.matcher(json);
            while (w.find()) {
                names.add(w.group(1));
                pids.add(Long.parseLong(w.group(2)));
                ready &= Boolean.parseBoolean(w.group(3));
            }
            Matcher s = SPARE.matcher(json);
            boolean hasSpare = s.find();
            Matcher r = RESTARTS.matcher(json);
            return new Status(names, pids, ready && !pids.isEmpty(), hasSpare ? Long.parseLong(s.group(1)) : -1,
                    hasSpare && Boolean.parseBoolean(s.group(2)), r.find() ? Long.parseLong(r.group(1)) : 0);
        }

        boolean processMode() {
            return !workerPids.isEmpty();
        }

        String describe() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < workerPids.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(workerNames.get(i)).append(" pid ").append(workerPids.get(i));
            }
            return sb + (allReady ? " (ready)" : " (not all ready)") + "; spare " + sparePid
                    + (spareReady ? " ready" : " not ready") + "; restarts " + restarts;
        }
    }
}
