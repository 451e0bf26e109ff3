package com.walkindb.server.sandbox;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small assembler for classic BPF as seccomp runs it: loads from {@code struct seccomp_data},
 * AND, conditional jumps and returns. Jumps name labels; {@link #assemble()} turns them into the
 * 8-bit forward offsets the format allows and refuses a program that would need a longer one.
 */
final class Bpf {
    static final int LD_W_ABS = 0x20;
    static final int ALU_AND_K = 0x54;
    static final int JEQ_K = 0x15;
    static final int JGE_K = 0x35;
    static final int RET_K = 0x06;
    /** A jump target meaning "the next instruction". */
    static final int NEXT = -1;

    /** One instruction, as the kernel reads it: {@code struct sock_filter}. */
    record Insn(int code, int jt, int jf, int k) {}

    private record Pending(int code, int jtLabel, int jfLabel, int k) {}

    private final List<Pending> code = new ArrayList<>();
    private final Map<Integer, Integer> labels = new HashMap<>();
    private int nextLabel;

    int newLabel() {
        return nextLabel++;
    }

    void bind(int label) {
        labels.put(label, code.size());
    }

    void load(int offset) {
        code.add(new Pending(LD_W_ABS, NEXT, NEXT, offset));
    }

    void and(int mask) {
        code.add(new Pending(ALU_AND_K, NEXT, NEXT, mask));
    }

    void jeq(int k, int ifTrue, int ifFalse) {
        code.add(new Pending(JEQ_K, ifTrue, ifFalse, k));
    }

    void jge(int k, int ifTrue, int ifFalse) {
        code.add(new Pending(JGE_K, ifTrue, ifFalse, k));
    }

    void ret(int value) {
        code.add(new Pending(RET_K, NEXT, NEXT, value));
    }

    List<Insn> assemble() {
        List<Insn> out = new ArrayList<>(code.size());
        for (int i = 0; i < code.size(); i++) {
            Pending p = code.get(i);
            out.add(new Insn(p.code(), offset(i, p.jtLabel()), offset(i, p.jfLabel()), p.k()));
        }
        return out;
    }

    /** The program as {@code struct sock_filter[]} in the machine's (little-endian) byte order. */
    static byte[] encode(List<Insn> program) {
        ByteBuffer b = ByteBuffer.allocate(program.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (Insn i : program) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.array();
    }

    private int offset(int at, int label) {
        if (label == NEXT) {
            return 0;
        }
        Integer target = labels.get(label);
        if (target == null) {
            throw new IllegalStateException("label " + label + " was never bound");
        }
        int off = target - at - 1;
        if (off < 0 || off > 255) {
            throw new IllegalStateException("jump from " + at + " to " + target + " does not fit in 8 bits");
        }
        return off;
    }
}
