package com.walkindb.server.sandbox;

import com.walkindb.server.config.Config;
import com.walkindb.server.config.SandboxSettings;
import com.walkindb.server.instance.InstanceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confines the server process (docs/SECURITY.md, layer 6): the Landlock filesystem and network jail (6a,
 * {@link LandlockJail}), then the seccomp system-call allowlist (6b, {@link SyscallPolicy}), as
 * {@code WALKINDB_SANDBOX} asks. Called once, first thing, from {@code Main} — never from
 * {@code WalkinServer}, so tests that run servers inside their own JVM are never jailed.
 *
 * <p>Never silent: what was applied, or why not, goes to the start-up log. With
 * {@code require} a layer that cannot be applied stops start-up instead.
 *
 * <p>Order matters. The jail comes first and may re-execute the JVM; seccomp follows in the final
 * JVM, so that it can refuse {@code execve} for good. The private temp directory
 * ({@code DATA/tmp}) becomes {@code java.io.tmpdir} (where the SQLite library is extracted) and
 * {@code SQLITE_TMPDIR}, since the system's {@code /tmp} is outside the jail.
 */
public final class Sandbox {
    static final String TMP_DIR = "tmp";

    /** Where SQL workers warm up (worker.Warmup), each in a directory of its own under this one. */
    public static final String WORKER_SCRATCH_DIR = "warmup";

    /**
     * What the jail lets {@code role} write: the whole data directory, or for a SQL worker only
     * the walk-ins and its warm-up scratch. A worker runs tenant SQL, so it is the process most
     * exposed to a memory-safety bug; it gets no access at all to the HMAC secrets (tokens could
     * be forged with them), the access log or the private temp directory.
     */
    static List<Path> writable(Role role, Path dataDir) {
        return role == Role.WORKER
                ? List.of(dataDir.resolve(InstanceStore.INSTANCES_DIR), dataDir.resolve(WORKER_SCRATCH_DIR))
                : List.of(dataDir);
    }

    private Sandbox() {}

    /** What the confined process does, which decides what it may do. */
    public enum Role {
        /** Runs tenant SQL itself (WALKINDB_ISOLATION=inprocess): no new processes at all. */
        SERVER,
        /** Serves HTTP and starts the SQL worker processes, runs no tenant SQL. */
        SUPERVISOR,
        /** A SQL worker process: like {@link #SERVER}, no new processes. */
        WORKER
    }

    /**
     * Applies the layers. Below Landlock ABI 8 a successful first call does not return: the process
     * continues as a new JVM on the same command line, which calls this again and gets here.
     */
    public static SandboxStatus enter(Config config, Role role) throws SandboxException {
        SandboxSettings s = config.sandbox();
        boolean require = s.mode() == SandboxSettings.Mode.REQUIRE;
        if (s.mode() == SandboxSettings.Mode.OFF) {
            log().warn("sandbox: off (WALKINDB_SANDBOX=off): no Landlock jail, no seccomp filter; the process can "
                    + "read and write whatever its user can and open outbound connections");
            return new SandboxStatus("off: WALKINDB_SANDBOX=off", "off: WALKINDB_SANDBOX=off");
        }
        String os = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        if (!os.startsWith("Linux/") || !os.endsWith("/amd64")) {
            String why = "needs Linux on x86_64, this is " + os;
            if (require) {
                throw new SandboxException("WALKINDB_SANDBOX=require but the sandbox " + why);
            }
            log().warn("sandbox: off: {}", why);
            return new SandboxStatus("off: " + why, "off: " + why);
        }
        Path tmp = config.dataDir().resolve(TMP_DIR);
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new SandboxException("cannot create the private temp directory " + tmp + ": "
                    + com.walkindb.server.startup.OsReason.of(e));
        }
        for (Path dir : writable(role, config.dataDir())) {
            try {
                Files.createDirectories(dir); // a path that does not exist yet gets no rule
            } catch (IOException e) {
                throw new SandboxException("cannot create " + dir + ": " + com.walkindb.server.startup.OsReason.of(e));
            }
        }
        LandlockJail.Outcome jail = LandlockJail.enter(config, tmp, require, role);
        if (jail.live()) {
            // Only the jail's own temp directory is writable; java.io.tmpdir is read lazily by the
            // SQLite binding when it extracts its library.
            System.setProperty("java.io.tmpdir", tmp.toString());
        }
        logLandlock(jail, config);
        String seccomp = installSeccomp(require, role);
        return new SandboxStatus(jail.status(), seccomp);
    }

    /** Installs layer 6b on every thread; returns what the start-up log reports of it. */
    static String installSeccomp(boolean require, Role role) throws SandboxException {
        List<SyscallPolicy.Entry> policy = role == Role.SUPERVISOR
                ? SyscallPolicy.forSupervisor(Syscalls.pid()) : SyscallPolicy.forProcess(Syscalls.pid());
        List<Bpf.Insn> program = Seccomp.compile(policy);
        long allowed = SyscallPolicy.allowedCount(policy);
        long checked = policy.stream().filter(e -> !e.checks().isEmpty()).count();
        long threads = threadCount();
        try {
            Seccomp.install(program);
        } catch (ErrnoException | IllegalStateException e) {
            String why = e instanceof ErrnoException x && x.errno() == ErrnoException.EINVAL
                    ? "kernel without seccomp filters (EINVAL)" : "seccomp failed: " + e.getMessage();
            if (require) {
                throw new SandboxException("WALKINDB_SANDBOX=require but the seccomp filter cannot be applied: " + why);
            }
            log().warn("sandbox: seccomp off: {}", why);
            return "off: " + why;
        }
        log().info("sandbox: seccomp on: {} system calls allowed ({} with argument checks), {} BPF instructions, "
                + "on all {} threads; everything else fails with EPERM (clone3: ENOSYS), no connect, {}; a "
                + "non-x86_64 system call kills the process", allowed, checked, program.size(), threads,
                role == Role.SUPERVISOR ? "new processes only to start SQL workers (this process runs no SQL)"
                        : "no execve, no new processes");
        return "on, " + allowed + " syscalls";
    }

    private static void logLandlock(LandlockJail.Outcome jail, Config config) {
        if (!jail.live()) {
            log().warn("sandbox: Landlock {}", jail.status());
            return;
        }
        StringBuilder msg = new StringBuilder("sandbox: Landlock ").append(jail.status());
        JailPlan plan = jail.plan();
        if (plan != null) {
            Map<String, Integer> kinds = plan.countByKind();
            msg.append(": read+write ").append(plan.pathsOfKind("read+write"))
                    .append(", read-only ").append(kinds.getOrDefault("read", 0)).append(" paths")
                    .append(" (JDK, class path, system libraries, /proc/self, cgroup and cpu in /sys, a few /etc files)")
                    .append(", execute ").append(plan.pathsOfKind("read+execute"));
        }
        int abi = jail.abi();
        msg.append(abi >= 4 ? "; TCP: bind port " + config.listen().getPort()
                + (config.admin().enabled() ? " and the admin port " + config.admin().address().getPort() : "")
                + " only, connect nowhere"
                : "; TCP not restricted by Landlock (ABI < 4)");
        msg.append(abi >= 6 ? "; abstract UNIX sockets and signals scoped to the process" : "");
        if (jail.reexecMillis() >= 0) {
            msg.append("; the JVM re-executed itself inside the jail (+").append(jail.reexecMillis()).append(" ms)");
        }
        log().info("{}", msg);
        if (plan != null && log().isDebugEnabled()) {
            for (JailPlan.PathRule r : plan.paths()) {
                log().debug("sandbox: Landlock {} {}", r.kind(), r.path());
            }
        }
    }

    private static long threadCount() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Looked up late: the JVM that is about to re-execute itself should not start Logback for nothing. */
    private static Logger log() {
        return LoggerFactory.getLogger(Sandbox.class);
    }
}
