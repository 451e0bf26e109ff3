package com.walkindb.server.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The system calls walkindb may make once it runs (docs/SECURITY.md, layer 6b), for Linux x86_64. Built from
 * strace of the server under load (start-up, SQL with FTS5, GC, JIT, sweeps, shutdown) and trimmed
 * of everything a database server has no use for. Anything not listed fails with EPERM, except
 * {@code clone3}, which fails with ENOSYS: glibc then falls back to {@code clone}, which the
 * filter can inspect (an EPERM there would make thread creation fail).
 *
 * <p>Never allowed, among others: {@code execve}/{@code execveat}, {@code fork}/{@code vfork}
 * and {@code clone} without {@code CLONE_THREAD} (no new processes), {@code connect} (no outbound
 * connection of any kind), {@code ptrace}, {@code process_vm_*}, mount and namespace calls,
 * module, keyring, {@code bpf}, {@code perf_event_open}, {@code io_uring_*},
 * {@code userfaultfd}, {@code reboot}, {@code kexec_*}, {@code swapon}, {@code personality},
 * set*id, capabilities, clocks, and new Landlock or seccomp layers.
 */
final class SyscallPolicy {
    /** seccomp_data.args[n] of one 32-bit half: masked with {@code mask}, must equal one of {@code values}. */
    record ArgCheck(int arg, boolean highWord, int mask, List<Integer> values) {
        int offset() {
            return 16 + 8 * arg + (highWord ? 4 : 0);
        }
    }

    /** What happens to one system call: allowed, allowed when all checks pass, or failed with errno. */
    record Entry(String name, int nr, List<ArgCheck> checks, int errno) {
        boolean unconditional() {
            return checks.isEmpty() && errno == 0;
        }
    }

    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int CLONE_THREAD = 0x10000;

    /** Allowed as such. Ordered roughly by how often the server makes them. */
    private static final Map<String, Integer> PLAIN = ordered(
            "futex", 202, "read", 0, "write", 1, "epoll_wait", 232, "epoll_pwait", 281, "epoll_pwait2", 441,
            "epoll_ctl", 233, "lseek", 8, "pread64", 17, "pwrite64", 18, "readv", 19, "writev", 20,
            "preadv", 295, "pwritev", 296, "preadv2", 327, "pwritev2", 328,
            "mprotect", 10, "mmap", 9, "munmap", 11, "mremap", 25, "madvise", 28, "brk", 12, "msync", 26,
            "mincore", 27, "membarrier", 324, "get_mempolicy", 239,
            "close", 3, "close_range", 436, "dup", 32, "dup2", 33, "dup3", 292, "fcntl", 72,
            "open", 2, "openat", 257, "stat", 4, "fstat", 5, "lstat", 6, "newfstatat", 262, "statx", 332,
            "statfs", 137, "fstatfs", 138, "access", 21, "faccessat", 269, "faccessat2", 439,
            "readlink", 89, "readlinkat", 267, "getdents64", 217, "getcwd", 79,
            "mkdir", 83, "mkdirat", 258, "rmdir", 84, "unlink", 87, "unlinkat", 263,
            "rename", 82, "renameat", 264, "renameat2", 316, "chmod", 90, "fchmod", 91, "fchmodat", 268,
            "fchown", 93, "umask", 95, "ftruncate", 77, "fallocate", 285, "fadvise64", 221, "flock", 73,
            "fsync", 74, "fdatasync", 75, "copy_file_range", 326, "sendfile", 40,
            "rt_sigaction", 13, "rt_sigprocmask", 14, "rt_sigreturn", 15, "rt_sigtimedwait", 128,
            "rt_sigsuspend", 130, "sigaltstack", 131, "restart_syscall", 219,
            "exit", 60, "exit_group", 231, "set_robust_list", 273, "set_tid_address", 218, "rseq", 334,
            "arch_prctl", 158, "gettid", 186, "getpid", 39, "getppid", 110, "getuid", 102, "geteuid", 107,
            "getgid", 104, "getegid", 108, "getgroups", 115, "getresuid", 118, "getresgid", 120,
            "sched_yield", 24, "sched_getaffinity", 204, "sched_getparam", 143, "sched_getscheduler", 145,
            "sched_get_priority_max", 146, "sched_get_priority_min", 147, "getpriority", 140,
            "nanosleep", 35, "clock_nanosleep", 230, "clock_gettime", 228, "clock_getres", 229,
            "gettimeofday", 96, "time", 201, "getrusage", 98, "times", 100, "sysinfo", 99, "uname", 63,
            "getcpu", 309, "getrandom", 318, "getrlimit", 97,
            "pipe", 22, "pipe2", 293, "eventfd2", 290, "epoll_create", 213, "epoll_create1", 291,
            "poll", 7, "ppoll", 271, "select", 23, "pselect6", 270,
            "socketpair", 53, "bind", 49, "listen", 50, "accept", 43, "accept4", 288,
            "getsockname", 51, "getpeername", 52, "setsockopt", 54, "getsockopt", 55, "shutdown", 48,
            "sendto", 44, "recvfrom", 45, "sendmsg", 46, "recvmsg", 47);

    private static final int SOCKET = 41;
    private static final int CLONE = 56;
    private static final int CLONE3 = 435;
    private static final int IOCTL = 16;
    private static final int PRCTL = 157;
    private static final int KILL = 62;
    private static final int TGKILL = 234;
    private static final int PRLIMIT64 = 302;

    private SyscallPolicy() {}

    /** The policy for process {@code pid} (signals may only go to it). */
    static List<Entry> forProcess(int pid) {
        List<Entry> out = new ArrayList<>();
        PLAIN.forEach((name, nr) -> out.add(new Entry(name, nr, List.of(), 0)));
        // TCP over IPv4/IPv6 only: no raw, packet, netlink, UDP or UNIX-domain sockets.
        out.add(new Entry("socket", SOCKET, List.of(
                check(0, 0, AF_INET, AF_INET6), check(1, 0xf, SOCK_STREAM)), 0));
        // Threads only: a clone without CLONE_THREAD would be a new process.
        out.add(new Entry("clone", CLONE, List.of(check(0, CLONE_THREAD, CLONE_THREAD)), 0));
        out.add(new Entry("clone3", CLONE3, List.of(), ErrnoException.ENOSYS));
        // TCGETS, TIOCGWINSZ, FIONREAD, FIONBIO, FIONCLEX, FIOCLEX.
        out.add(new Entry("ioctl", IOCTL, List.of(check(1, 0, 0x5401, 0x5413, 0x541B, 0x5421, 0x5450, 0x5451)), 0));
        // PR_GET_DUMPABLE, PR_SET_NAME, PR_GET_NAME, PR_GET_SECCOMP, PR_GET_NO_NEW_PRIVS,
        // PR_GET_THP_DISABLE, PR_SET_VMA (naming anonymous memory).
        out.add(new Entry("prctl", PRCTL, List.of(check(0, 0, 3, 15, 16, 21, 39, 42, 0x53564d41)), 0));
        out.add(new Entry("kill", KILL, List.of(check(0, 0, pid)), 0));
        out.add(new Entry("tgkill", TGKILL, List.of(check(0, 0, pid)), 0));
        // Reading limits only (new_limit == NULL).
        out.add(new Entry("prlimit64", PRLIMIT64, List.of(
                new ArgCheck(2, false, 0, List.of(0)), new ArgCheck(2, true, 0, List.of(0))), 0));
        return List.copyOf(out);
    }

    /**
     * The policy of a supervisor, which runs no tenant SQL but starts SQL worker JVMs, caps and
     * kills them: {@link #forProcess} plus what starting a process takes (clone without
     * CLONE_THREAD, execve of what the Landlock jail lets it execute: the JDK's spawn helper and
     * {@code java}), reaping and signalling children, setting their resource limits, and what a
     * new JVM needs to confine itself before its own, stricter filter is stacked on this one
     * (Landlock and seccomp can only take rights away).
     */
    static List<Entry> forSupervisor(int pid) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : forProcess(pid)) {
            if (!List.of("clone", "kill", "prlimit64", "prctl").contains(e.name())) {
                out.add(e);
            }
        }
        // As for any process, plus PR_SET_NO_NEW_PRIVS (38), which a starting worker sets before its jail.
        out.add(new Entry("prctl", PRCTL, List.of(check(0, 0, 3, 15, 16, 21, 38, 39, 42, 0x53564d41)), 0));
        out.add(new Entry("clone", CLONE, List.of(), 0));
        out.add(new Entry("kill", KILL, List.of(), 0));
        out.add(new Entry("prlimit64", PRLIMIT64, List.of(), 0));
        SPAWN.forEach((name, nr) -> out.add(new Entry(name, nr, List.of(), 0)));
        return List.copyOf(out);
    }

    /** Starting, reaping and confining child processes (supervisor only). */
    private static final Map<String, Integer> SPAWN = ordered(
            "vfork", 58, "execve", 59, "wait4", 61, "waitid", 247, "chdir", 80, "fchdir", 81, "setsid", 112,
            "setpgid", 109, "seccomp", 317, "landlock_create_ruleset", 444, "landlock_add_rule", 445,
            "landlock_restrict_self", 446, "sched_setaffinity", 203, "setrlimit", 160);

    /** How many system calls the policy lets through (with or without argument checks). */
    static long allowedCount(List<Entry> policy) {
        return policy.stream().filter(e -> e.errno() == 0).count();
    }

    private static ArgCheck check(int arg, int mask, int... values) {
        return new ArgCheck(arg, false, mask, IntStream.of(values).boxed().toList());
    }

    private static Map<String, Integer> ordered(Object... pairs) {
        var map = new java.util.LinkedHashMap<String, Integer>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (map.put((String) pairs[i], (Integer) pairs[i + 1]) != null) {
                throw new IllegalStateException("listed twice: " + pairs[i]);
            }
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
