package com.walkindb.server.sandbox;

import com.walkindb.server.config.Config;
import com.walkindb.server.config.SandboxSettings;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the whole JVM inside the Landlock domain of a {@link JailPlan} (layer 6a).
 *
 * <p>{@code landlock_restrict_self} confines the calling thread and the threads it creates later,
 * never the threads already running — and a JVM has a dozen before {@code main} (GC, JIT,
 * finalizer, ...). Up to ABI 7 the main thread therefore confines itself and then re-executes the
 * JVM's own command line: the new JVM, same PID, is born inside the domain with every thread it
 * will ever have. A marker variable tells the new JVM that it is the jailed one, so it checks the
 * jail instead of looping. From ABI 8 on, {@code LANDLOCK_RESTRICT_SELF_TSYNC} confines all
 * threads at once and no re-exec is needed.
 */
final class LandlockJail {
    /** What happened: live or not, the words the start-up log reports, and the plan that was applied. */
    record Outcome(boolean live, String status, int abi, JailPlan plan, long reexecMillis) {
        static Outcome off(String why) {
            return new Outcome(false, "off: " + why, 0, null, -1);
        }
    }

    private LandlockJail() {}

    /**
     * Enters the jail. In the JVM that has not been re-executed yet this call does not return when
     * it succeeds (below ABI 8): the process continues as a new JVM that calls it again.
     */
    static Outcome enter(Config config, Path tmpDir, boolean require, Sandbox.Role role) throws SandboxException {
        SandboxSettings s = config.sandbox();
        if (s.jailed() != null) {
            return inherited(config, s.jailed(), require, role);
        }
        if (s.simulateNoLandlock()) {
            return unavailable("kernel without Landlock (simulated by WALKINDB_SANDBOX_SIMULATE_NO_LANDLOCK)", require);
        }
        int abi;
        try {
            abi = Landlock.abi();
        } catch (ErrnoException e) {
            return unavailable(whyNoLandlock(e), require);
        }
        List<byte[]> argv;
        List<byte[]> env;
        JailPlan plan;
        try {
            argv = Reexec.commandLine();
            env = Reexec.environment();
            plan = plan(config, Reexec.launcherFiles(argv), role);
        } catch (IOException e) {
            return unavailable("cannot read this process's command line: " + e.getMessage(), require);
        }
        int ruleset;
        try {
            ruleset = build(plan, abi);
        } catch (ErrnoException e) {
            return unavailable("building the ruleset failed: " + e.getMessage(), require);
        }
        if (abi < 8) {
            forgetPerfData();
        }
        try {
            Syscalls.noNewPrivileges();
            if (abi >= 8) {
                // Every thread at once, no re-exec. SQLITE_TMPDIR cannot be set for a running
                // process, which is fine: SQLite keeps temp data in memory (SQLITE_TEMP_STORE=3).
                Landlock.restrictSelf(ruleset, Landlock.RESTRICT_SELF_TSYNC);
                Syscalls.close(ruleset);
                return new Outcome(true, status(abi, plan), abi, plan, -1);
            }
            Landlock.restrictSelf(ruleset, 0);
        } catch (ErrnoException e) {
            Syscalls.close(ruleset);
            return unavailable("landlock_restrict_self failed: " + e.getMessage(), require);
        }
        Syscalls.close(ruleset);
        // From here on this thread is confined and the others are not: only the re-exec may follow.
        String marker = "abi=" + abi + ";rules=" + ruleCount(plan, abi) + ";t=" + System.currentTimeMillis();
        List<byte[]> childEnv = Reexec.withVariables(env, List.of(
                SandboxSettings.JAILED_VARIABLE + "=" + marker, "SQLITE_TMPDIR=" + tmpDir,
                // the host name is read from /proc, which the jail closes: the name goes with the JVM
                "WALKINDB_NODE_NAME=" + config.node().name()));
        try {
            Reexec.exec(Path.of("/proc/self/exe").toRealPath(), argv, childEnv);
        } catch (ErrnoException | IOException e) {
            throw new SandboxException("re-executing the JVM inside the Landlock jail failed (" + e.getMessage()
                    + "); set WALKINDB_SANDBOX=off to run without the jail");
        }
        throw new IllegalStateException("unreachable");
    }

    /** The re-executed JVM: trust the marker only if the jail really holds. */
    private static Outcome inherited(Config config, String marker, boolean require, Sandbox.Role role)
            throws SandboxException {
        int abi = field(marker, "abi");
        int rules = field(marker, "rules");
        long started = longField(marker, "t");
        if (abi <= 0 || !jailHolds()) {
            String why = "the re-executed JVM is not inside the Landlock jail (" + SandboxSettings.JAILED_VARIABLE
                    + " was set from outside?)";
            if (require) {
                throw new SandboxException("WALKINDB_SANDBOX=require: " + why);
            }
            return Outcome.off(why);
        }
        JailPlan plan;
        try {
            plan = plan(config, Reexec.launcherFiles(Reexec.commandLine()), role);
        } catch (IOException e) {
            plan = null;
        }
        long reexec = started > 0 ? System.currentTimeMillis() - started : -1;
        return new Outcome(true, "abi " + abi + ", " + rules + " rules", abi, plan, reexec);
    }

    static JailPlan plan(Config config, List<Path> launcherFiles, Sandbox.Role role) throws IOException {
        List<Path> classPath = new ArrayList<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                classPath.add(Path.of(e).toAbsolutePath());
            }
        }
        String lib = System.getProperty("walkindb.sqlite.library");
        String host = config.listen().getHostString();
        boolean byName;
        try {
            InetAddress.ofLiteral(host);
            byName = false;
        } catch (IllegalArgumentException e) {
            byName = true;
        }
        return JailPlan.of(new JailPlan.Inputs(Path.of(System.getProperty("java.home")),
                Path.of("/proc/self/exe").toRealPath(), classPath, launcherFiles,
                lib == null || lib.isBlank() ? null : Path.of(lib), Sandbox.writable(role, config.dataDir()),
                config.listen().getPort(), config.admin().enabled() ? config.admin().address().getPort() : -1, byName,
                role == Sandbox.Role.SUPERVISOR ? ownCgroups() : null));
    }

    /**
     * This process's cgroup directories where the worker groups are made (those writable): the
     * unified (v2) group, and the v1 memory and pids groups.
     */
    private static List<Path> ownCgroups() throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            boolean unified = f.length == 3 && f[0].equals("0") && f[1].isEmpty()
                    && java.nio.file.Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
            if (unified || f.length == 3 && (f[1].equals("memory") || f[1].equals("pids"))) {
                Path dir = Path.of(unified ? "/sys/fs/cgroup" + f[2] : "/sys/fs/cgroup/" + f[1] + f[2]);
                if (java.nio.file.Files.isWritable(dir)) {
                    dirs.add(dir);
                }
            }
        }
        return dirs;
    }

    private static int build(JailPlan plan, int abi) throws ErrnoException {
        int ruleset = Landlock.createRuleset(abi);
        long handled = Landlock.handledFs(abi);
        try {
            for (JailPlan.PathRule r : plan.paths()) {
                int fd;
                try {
                    fd = Syscalls.openPath(r.path().toString(), !r.keepOpen());
                } catch (ErrnoException e) {
                    if (e.errno() == ErrnoException.ENOENT) {
                        continue; // vanished since the plan was made
                    }
                    throw e;
                }
                try {
                    Landlock.addPathRule(ruleset, fd, r.access() & handled);
                } finally {
                    if (!r.keepOpen()) {
                        Syscalls.close(fd);
                    }
                }
            }
            if (abi >= 4) {
                Landlock.addPortRule(ruleset, plan.bindPort(), Landlock.NET_BIND_TCP);
                if (plan.adminPort() >= 0 && plan.adminPort() != plan.bindPort()) {
                    Landlock.addPortRule(ruleset, plan.adminPort(), Landlock.NET_BIND_TCP);
                }
            }
            return ruleset;
        } catch (ErrnoException e) {
            Syscalls.close(ruleset);
            throw e;
        }
    }

    /**
     * With {@code -XX:+UsePerfData} (the JVM's default; scripts/jvm-flags turns it off) this JVM's
     * {@code /tmp/hsperfdata_<user>/<pid>} would outlive it: the new JVM has the same PID but
     * cannot reach {@code /tmp} to replace or remove it, and tools would read stale data.
     */
    private static void forgetPerfData() {
        try {
            Files.deleteIfExists(Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"),
                    Long.toString(ProcessHandle.current().pid())));
        } catch (IOException | RuntimeException ignored) {
            // Best effort: a stale statistics file is untidy, not unsafe.
        }
    }

    static int ruleCount(JailPlan plan, int abi) {
        return plan.paths().size() + (abi >= 4 ? 1 : 0);
    }

    static String status(int abi, JailPlan plan) {
        return "abi " + abi + ", " + ruleCount(plan, abi) + " rules";
    }

    /** Listing {@code /} is refused inside the jail and allowed outside it. */
    static boolean jailHolds() {
        try {
            Files.newDirectoryStream(Path.of("/")).close();
            return false;
        } catch (AccessDeniedException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Outcome unavailable(String why, boolean require) throws SandboxException {
        if (require) {
            throw new SandboxException("WALKINDB_SANDBOX=require but the Landlock filesystem jail cannot be applied: "
                    + why);
        }
        return Outcome.off(why);
    }

    private static String whyNoLandlock(ErrnoException e) {
        return switch (e.errno()) {
            case ErrnoException.ENOSYS -> "kernel without Landlock (landlock_create_ruleset: ENOSYS)";
            case ErrnoException.EOPNOTSUPP -> "Landlock is disabled in this kernel (EOPNOTSUPP; boot with lsm=...,landlock)";
            case ErrnoException.EPERM -> "landlock_create_ruleset was refused (EPERM), probably by a container's seccomp profile";
            default -> "landlock_create_ruleset failed: " + e.getMessage();
        };
    }

    private static int field(String marker, String name) {
        long v = longField(marker, name);
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    private static long longField(String marker, String name) {
        for (String part : marker.split(";")) {
            if (part.startsWith(name + "=")) {
                try {
                    return Long.parseLong(part.substring(name.length() + 1));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
