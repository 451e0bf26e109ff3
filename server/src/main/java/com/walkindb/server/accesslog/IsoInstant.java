package com.walkindb.server.accesslog;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@link Instant#toString()} for the access log's timestamps, the same text at a fraction of the
 * cost: the date and time of day are formatted once per second and reused (a per-line
 * {@code DateTimeFormatter} run showed up in profiles of the request path), the fraction is
 * appended as ISO-8601 does it (none, or 3, 6 or 9 digits). Years outside 0000–9999 take the
 * JDK's path.
 */
final class IsoInstant {
    /** "yyyy-MM-ddTHH:mm:ss" of one epoch second. */
    private record Second(long epochSecond, String text) {}

    private volatile Second last = new Second(Long.MIN_VALUE, "");

    String format(Instant when) {
        long second = when.getEpochSecond();
        Second s = last;
        if (s.epochSecond() != second) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            if (t.getYear() < 0 || t.getYear() > 9999) {
                return when.toString();
            }
            s = new Second(second, String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(),
                    t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()));
            last = s;
        }
        int nano = when.getNano();
        StringBuilder b = new StringBuilder(s.text().length() + 11).append(s.text());
        if (nano != 0) {
            int digits;
            int value;
            if (nano % 1_000_000 == 0) {
                digits = 3;
                value = nano / 1_000_000;
            } else if (nano % 1000 == 0) {
                digits = 6;
                value = nano / 1000;
            } else {
                digits = 9;
                value = nano;
            }
            b.append('.');
            String v = Integer.toString(value);
            for (int i = v.length(); i < digits; i++) {
                b.append('0');
            }
            b.append(v);
        }
        return b.append('Z').toString();
    }
}
