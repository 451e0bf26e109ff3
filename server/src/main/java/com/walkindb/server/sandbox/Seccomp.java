package com.walkindb.server.sandbox;

import static java.lang.foreign.ValueLayout.ADDRESS_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Compiles a {@link SyscallPolicy} into a seccomp BPF program and installs it on every thread of
 * the process at once ({@code SECCOMP_FILTER_FLAG_TSYNC}). The program first checks the
 * architecture (anything but x86_64 — a 32-bit {@code int 0x80} call, say — kills the process)
 * and refuses the x32 system-call numbers, then walks the allowlist.
 */
final class Seccomp {
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int X32_SYSCALL_BIT = 0x40000000;
    static final int RET_KILL_PROCESS = 0x80000000;
    static final int RET_ERRNO = 0x00050000;
    static final int RET_ALLOW = 0x7fff0000;
    static final int OFFSET_NR = 0;
    static final int OFFSET_ARCH = 4;

    private static final long SECCOMP_SET_MODE_FILTER = 1;
    private static final long SECCOMP_FILTER_FLAG_TSYNC = 1;

    private Seccomp() {}

    static List<Bpf.Insn> compile(List<SyscallPolicy.Entry> policy) {
        Bpf b = new Bpf();
        int nativeArch = b.newLabel();
        b.load(OFFSET_ARCH);
        b.jeq(AUDIT_ARCH_X86_64, nativeArch, Bpf.NEXT);
        b.ret(RET_KILL_PROCESS);
        b.bind(nativeArch);
        b.load(OFFSET_NR);
        int notX32 = b.newLabel();
        b.jge(X32_SYSCALL_BIT, Bpf.NEXT, notX32);
        b.ret(RET_ERRNO | ErrnoException.EPERM);
        b.bind(notX32);
        for (SyscallPolicy.Entry e : policy) {
            int skip = b.newLabel();
            b.jeq(e.nr(), Bpf.NEXT, skip);
            if (e.errno() != 0) {
                b.ret(RET_ERRNO | e.errno());
            } else if (e.unconditional()) {
                b.ret(RET_ALLOW);
            } else {
                int deny = b.newLabel();
                for (SyscallPolicy.ArgCheck c : e.checks()) {
                    b.load(c.offset());
                    if (c.mask() != 0) {
                        b.and(c.mask());
                    }
                    int pass = b.newLabel();
                    List<Integer> values = c.values();
                    for (int i = 0; i < values.size(); i++) {
                        boolean last = i == values.size() - 1;
                        b.jeq(values.get(i), pass, last ? deny : Bpf.NEXT);
                    }
                    b.bind(pass);
                }
                b.ret(RET_ALLOW);
                b.bind(deny);
                b.ret(RET_ERRNO | ErrnoException.EPERM);
            }
            // Only reached by the jump above, with the system-call number still loaded.
            b.bind(skip);
        }
        b.ret(RET_ERRNO | ErrnoException.EPERM);
        return b.assemble();
    }

    /** Installs {@code program} on all threads; sets no_new_privs first, as the kernel requires. */
    static void install(List<Bpf.Insn> program) throws ErrnoException {
        byte[] filter = Bpf.encode(program);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(filter.length, 8);
            MemorySegment.copy(filter, 0, code, JAVA_BYTE, 0, filter.length);
            MemorySegment fprog = arena.allocate(16, 8); // struct sock_fprog { u16 len; sock_filter *filter; }
            fprog.set(JAVA_SHORT_UNALIGNED, 0, (short) program.size());
            fprog.set(ADDRESS_UNALIGNED, 8, code);
            Syscalls.noNewPrivileges();
            long r = Syscalls.call(Syscalls.SECCOMP, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, fprog.address());
            if (r != 0) {
                // With TSYNC a positive answer is the thread that could not take the filter.
                throw new IllegalStateException("thread " + r + " could not take the seccomp filter");
            }
        }
    }
}
