package com.walkindb.server.sandbox;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Raw Linux x86_64 system calls through libc's {@code syscall(2)} wrapper, with errno captured by
 * FFM. Landlock and seccomp have no libc wrappers on every distribution, and going through
 * {@code syscall} keeps the whole sandbox free of C code and of new libraries.
 */
final class Syscalls {
    static final long CLOSE = 3;
    static final long GETPID = 39;
    static final long EXECVE = 59;
    static final long PRCTL = 157;
    static final long OPENAT = 257;
    static final long SECCOMP = 317;
    static final long LANDLOCK_CREATE_RULESET = 444;
    static final long LANDLOCK_ADD_RULE = 445;
    static final long LANDLOCK_RESTRICT_SELF = 446;

    static final long AT_FDCWD = -100;
    static final long O_PATH = 0x200000;
    static final long O_DIRECTORY = 0x10000;
    static final long O_CLOEXEC = 0x80000;
    static final long PR_SET_NO_NEW_PRIVS = 38;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL;

    static {
        Linker linker = Linker.nativeLinker();
        MemorySegment syscall = linker.defaultLookup().find("syscall")
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall()"));
        // long syscall(long number, ...): every argument is passed as a 64-bit integer register.
        SYSCALL = linker.downcallHandle(syscall,
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    private Syscalls() {}

    /** Calls system call {@code nr}; returns its non-negative result or throws with errno. */
    static long call(long nr, long... args) throws ErrnoException {
        long[] a = new long[6];
        System.arraycopy(args, 0, a, 0, args.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long r = (long) SYSCALL.invokeExact(state, nr, a[0], a[1], a[2], a[3], a[4], a[5]);
            if (r == -1) {
                throw new ErrnoException((int) ERRNO.get(state, 0L));
            }
            return r;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("syscall " + nr + " could not be called", t);
        }
    }

    /** An {@code O_PATH} descriptor of {@code path}, following symbolic links. */
    static int openPath(String path, boolean closeOnExec) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            long flags = O_PATH | (closeOnExec ? O_CLOEXEC : 0);
            return (int) call(OPENAT, AT_FDCWD, arena.allocateFrom(path).address(), flags);
        }
    }

    static void close(int fd) {
        try {
            call(CLOSE, fd);
        } catch (ErrnoException ignored) {
            // Nothing to do: the descriptor is gone either way.
        }
    }

    static void noNewPrivileges() throws ErrnoException {
        call(PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    }

    static int pid() {
        try {
            return (int) call(GETPID);
        } catch (ErrnoException e) {
            throw new IllegalStateException("getpid failed", e);
        }
    }
}
