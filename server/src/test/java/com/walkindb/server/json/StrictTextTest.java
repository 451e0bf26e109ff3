package com.walkindb.server.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import com.walkindb.server.json.StrictText.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The hand-written UTF-8 check agrees with the JDK's strict decoder (which the server used before
 * and which allocates a decoded copy) on every one-, two- and three-byte input, on the
 * boundaries of the four-byte forms, and in its eight-bytes-at-once path; it refuses NUL on top.
 * And it notes the one escape that can leave half a surrogate pair in a decoded string.
 */
class StrictTextTest {
    private final CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharBuffer out = CharBuffer.allocate(16);

    @Test
    void agreesWithTheJdkOnEveryInputOfUpToThreeBytes() {
        int checked = 0;
        for (int a = 0; a < 256; a++) {
            check(new byte[] {(byte) a}, true);
            for (int b = 0; b < 256; b++) {
                check(new byte[] {(byte) a, (byte) b}, true);
                if (a >= 0x80) { // an ASCII first byte leaves a two-byte question, checked above
                    for (int c = 0; c < 256; c++) {
                        check(new byte[] {(byte) a, (byte) b, (byte) c}, false);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(128 * 256 * 256);
    }

    @Test
    void agreesWithTheJdkOnFourByteFormsAroundEveryBoundary() {
        int[] edges = {0x00, 0x41, 0x5C, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF};
        for (int a = 0xC0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c : edges) {
                    for (int d : edges) {
                        check(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}, true);
                    }
                }
            }
        }
    }

    @Test
    void refusesNulAnywhereAndAcceptsTheLargestCodePoints() {
        assertThat(scan("{\u0000}")).isEqualTo(Bytes.MALFORMED);
        assertThat(scan("0123456789abcdef\u0000")).as("in the eight-byte path").isEqualTo(Bytes.MALFORMED);
        assertThat(scan("\uffff\udbff\udfff")).isEqualTo(Bytes.EXACT);
        assertThat(scan("")).isEqualTo(Bytes.EXACT);
    }

    /** Bodies as JSON text: a backslash here is one byte of the body. */
    @Test
    void notesEverySurrogateEscapeAndNoOtherEscape() {
        for (String text : new String[] {"\\ud800", "\\uD83D\\uDE00", "\\udfff", "x\\uDbFf", "\\udc00 and more text",
                "0123456789\\ud9ab", "\\\\\\ud800"}) {
            assertThat(scan(text)).as(text).isEqualTo(Bytes.SURROGATE_ESCAPES);
        }
        for (String text : new String[] {"plain text that is long enough", "\\u00e9\\u20ac\\ud7ff\\ue000",
                "\\n\\t\\\"", "\\\\ud800", "0123456789\\\\ud800", "\\u", "\\ud", "\\uD", "ends with \\"}) {
            assertThat(scan(text)).as(text).isEqualTo(Bytes.EXACT);
        }
    }

    @Test
    void findsEveryHalfOfAPairThatStandsAlone() {
        assertThat(StrictText.hasNoLoneSurrogate("")).isTrue();
        assertThat(StrictText.hasNoLoneSurrogate("plain é €")).isTrue();
        assertThat(StrictText.hasNoLoneSurrogate("a\ud83d\ude00b\udbff\udfff")).isTrue();
        for (String bad : new String[] {"\ud800", "\udc00", "x\ud83d", "\ud83dx", "\ude00\ud83d",
                "\ud83d\ud83d\ude00", "\ud83d\ude00\ude00", "ok\udfff"}) {
            assertThat(StrictText.hasNoLoneSurrogate(bad)).as("%s", bad.chars().mapToObj(Integer::toHexString).toList())
                    .isFalse();
        }
    }

    private static Bytes scan(String text) {
        return StrictText.scan(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code bytes} alone (byte by byte) and, if {@code padded}, between ASCII (through the eight-byte path). */
    private void check(byte[] bytes, boolean padded) {
        check(bytes, bytes);
        if (!padded) {
            return;
        }
        byte[] input = new byte[bytes.length + 12];
        java.util.Arrays.fill(input, (byte) 'a');
        System.arraycopy(bytes, 0, input, 3, bytes.length);
        check(bytes, input);
    }

    private void check(byte[] bytes, byte[] input) {
        boolean expected = jdkAccepts(bytes) && !containsNul(bytes);
        if ((StrictText.scan(input) != Bytes.MALFORMED) != expected) {
            StringBuilder hex = new StringBuilder();
            for (byte x : input) {
                hex.append(String.format("%02X ", x & 0xFF));
            }
            throw new AssertionError(hex + "should be " + (expected ? "accepted" : "refused"));
        }
    }

    /** Without exceptions and into one reused buffer: millions of inputs go through here. */
    private boolean jdkAccepts(byte[] bytes) {
        out.clear();
        CoderResult r = jdk.reset().decode(ByteBuffer.wrap(bytes), out, true);
        return !r.isError() && !jdk.flush(out).isError();
    }

    private static boolean containsNul(byte[] bytes) {
        for (byte x : bytes) {
            if (x == 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void utf8LengthIsTheLengthOfGetBytes() {
        for (String s : new String[] {"", "SELECT 1", "é", "€", "😀", "a\uD800b", "\uDC00", "x\uD83D", "\uD83D\uDE00\uD83D"}) {
            assertThat(StrictText.utf8Length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (int n = 0; n < 5000; n++) {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                b.append((char) switch (random.nextInt(5)) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0x80 + random.nextInt(0x780);
                    case 2 -> 0xD800 + random.nextInt(0x800); // surrogates, paired or not
                    default -> 0x800 + random.nextInt(0xF7FF);
                });
            }
            String s = b.toString();
            assertThat(StrictText.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
