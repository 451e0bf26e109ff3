package com.walkindb.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The seccomp program as the kernel would run it, without a kernel: a small classic-BPF
 * interpreter evaluates the compiled policy for hand-made {@code seccomp_data}.
 */
class SandboxSeccompProgramTest {
    private static final int PID = 4242;
    private static final int ALLOW = Seccomp.RET_ALLOW;
    private static final int EPERM = Seccomp.RET_ERRNO | 1;
    private static final int ENOSYS = Seccomp.RET_ERRNO | 38;
    private static final List<Bpf.Insn> PROGRAM = Seccomp.compile(SyscallPolicy.forProcess(PID));

    @Test
    void anotherArchitectureKillsTheProcess() {
        int auditArchI386 = 0x40000003;
        assertThat(runOn(auditArchI386, 0)).isEqualTo(Seccomp.RET_KILL_PROCESS);
    }

    @Test
    void x32SystemCallNumbersAreRefused() {
        assertThat(run(Seccomp.X32_SYSCALL_BIT | 0)).isEqualTo(EPERM);
        assertThat(run(Seccomp.X32_SYSCALL_BIT | 257)).isEqualTo(EPERM);
    }

    @Test
    void everydayCallsAreAllowed() {
        for (int nr : new int[] {0, 1, 3, 9, 10, 202, 232, 257, 262, 74, 75, 43, 288, 49, 50, 318}) {
            assertThat(run(nr)).as("syscall %d", nr).isEqualTo(ALLOW);
        }
    }

    @Test
    void dangerousCallsFailWithEperm() {
        Map<String, Integer> refused = Map.ofEntries(Map.entry("execve", 59), Map.entry("execveat", 322),
                Map.entry("fork", 57), Map.entry("vfork", 58), Map.entry("connect", 42), Map.entry("ptrace", 101),
                Map.entry("mount", 165), Map.entry("umount2", 166), Map.entry("unshare", 272), Map.entry("setns", 308),
                Map.entry("init_module", 175), Map.entry("finit_module", 313), Map.entry("add_key", 248),
                Map.entry("keyctl", 250), Map.entry("bpf", 321), Map.entry("perf_event_open", 298),
                Map.entry("reboot", 169), Map.entry("kexec_load", 246), Map.entry("swapon", 167),
                Map.entry("personality", 135), Map.entry("process_vm_readv", 310), Map.entry("io_uring_setup", 425),
                Map.entry("userfaultfd", 323), Map.entry("setuid", 105), Map.entry("chroot", 161),
                Map.entry("seccomp", 317), Map.entry("landlock_create_ruleset", 444), Map.entry("memfd_create", 319),
                Map.entry("symlink", 88), Map.entry("link", 86), Map.entry("mknod", 133));
        refused.forEach((name, nr) -> assertThat(run(nr)).as(name).isEqualTo(EPERM));
    }

    @Test
    void clone3GetsEnosysSoGlibcFallsBackToClone() {
        assertThat(run(435)).isEqualTo(ENOSYS);
    }

    @Test
    void cloneCreatesThreadsButNoProcesses() {
        long thread = 0x3d0f00; // what glibc passes for pthread_create
        assertThat(run(56, thread)).isEqualTo(ALLOW);
        assertThat(run(56, 0x11 /* SIGCHLD: fork */)).isEqualTo(EPERM);
        assertThat(run(56, 0x4111 /* CLONE_VM|CLONE_VFORK|SIGCHLD: posix_spawn */)).isEqualTo(EPERM);
    }

    @Test
    void onlyTcpSocketsOverIpv4OrIpv6() {
        int sockNonblockCloexec = 0x800 | 0x80000;
        assertThat(run(41, 2, 1)).isEqualTo(ALLOW);
        assertThat(run(41, 10, 1 | sockNonblockCloexec)).isEqualTo(ALLOW);
        assertThat(run(41, 2, 2)).as("UDP").isEqualTo(EPERM);
        assertThat(run(41, 2, 3)).as("raw").isEqualTo(EPERM);
        assertThat(run(41, 10, 3 | sockNonblockCloexec)).as("raw v6").isEqualTo(EPERM);
        assertThat(run(41, 17, 3)).as("packet").isEqualTo(EPERM);
        assertThat(run(41, 16, 3)).as("netlink").isEqualTo(EPERM);
        assertThat(run(41, 1, 1)).as("UNIX").isEqualTo(EPERM);
        assertThat(run(41, 0x1_0000_0002L, 1)).as("high bits are ignored by the kernel too").isEqualTo(ALLOW);
    }

    @Test
    void signalsOnlyToThisProcess() {
        assertThat(run(234, PID, 4243, 34)).isEqualTo(ALLOW);
        assertThat(run(234, 1, 1, 9)).isEqualTo(EPERM);
        assertThat(run(62, PID, 3)).isEqualTo(ALLOW);
        assertThat(run(62, -1, 9)).as("kill(-1)").isEqualTo(EPERM);
        assertThat(run(200 /* tkill */, 4243, 9)).isEqualTo(EPERM);
    }

    @Test
    void ioctlAndPrctlOnlyForHarmlessRequests() {
        assertThat(run(16, 0, 0x5401)).as("TCGETS").isEqualTo(ALLOW);
        assertThat(run(16, 5, 0x541B)).as("FIONREAD").isEqualTo(ALLOW);
        assertThat(run(16, 0, 0x5412)).as("TIOCSTI").isEqualTo(EPERM);
        assertThat(run(157, 15)).as("PR_SET_NAME").isEqualTo(ALLOW);
        assertThat(run(157, 4)).as("PR_SET_DUMPABLE").isEqualTo(EPERM);
        assertThat(run(157, 0x59616d61)).as("PR_SET_PTRACER").isEqualTo(EPERM);
        assertThat(run(157, 22)).as("PR_SET_SECCOMP").isEqualTo(EPERM);
    }

    @Test
    void limitsCanBeReadNotRaised() {
        assertThat(run(302, 0, 7, 0, 0x7fff0000L)).isEqualTo(ALLOW);
        assertThat(run(302, 0, 7, 0x7fff0000L, 0)).isEqualTo(EPERM);
        assertThat(run(302, 0, 7, 0x1_0000_0000L, 0)).as("pointer above 4 GiB").isEqualTo(EPERM);
    }

    @Test
    void programFitsTheKernelsLimitsAndListsEachCallOnce() {
        List<SyscallPolicy.Entry> policy = SyscallPolicy.forProcess(PID);
        Set<Integer> numbers = new HashSet<>();
        for (SyscallPolicy.Entry e : policy) {
            assertThat(numbers.add(e.nr())).as("listed once: " + e.name()).isTrue();
        }
        assertThat(PROGRAM.size()).isLessThan(4096);
        assertThat(Bpf.encode(PROGRAM)).hasSize(PROGRAM.size() * 8);
    }

    @Test
    void numbersMatchTheKernelHeadersWhenInstalled() throws Exception {
        Path header = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
        assumeTrue(Files.exists(header), "no kernel headers here");
        Map<String, Integer> kernel = new HashMap<>();
        Matcher m = Pattern.compile("#define __NR_(\\w+) (\\d+)").matcher(Files.readString(header));
        while (m.find()) {
            kernel.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        for (SyscallPolicy.Entry e : SyscallPolicy.forProcess(PID)) {
            assertThat(kernel.get(e.name())).as(e.name()).isEqualTo(e.nr());
        }
    }

    /** Runs the program for x86_64 system call {@code nr} with {@code args}. */
    private static int run(int nr, long... args) {
        return runOn(Seccomp.AUDIT_ARCH_X86_64, nr, args);
    }

    private static int runOn(int arch, int nr, long... args) {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, arch);
        for (int i = 0; i < args.length; i++) {
            data.putLong(16 + 8 * i, args[i]);
        }
        int a = 0;
        int pc = 0;
        for (int steps = 0; steps < 10_000; steps++) {
            Bpf.Insn i = PROGRAM.get(pc);
            switch (i.code()) {
                case Bpf.LD_W_ABS -> {
                    a = data.getInt(i.k());
                    pc++;
                }
                case Bpf.ALU_AND_K -> {
                    a &= i.k();
                    pc++;
                }
                case Bpf.JEQ_K -> pc += 1 + (a == i.k() ? i.jt() : i.jf());
                case Bpf.JGE_K -> pc += 1 + (Integer.compareUnsigned(a, i.k()) >= 0 ? i.jt() : i.jf());
                case Bpf.RET_K -> {
                    return i.k();
                }
                default -> throw new AssertionError("unexpected opcode " + i.code());
            }
        }
        throw new AssertionError("program did not return");
    }
}
