package com.walkindb.server.metrics;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, as much as the tests need: every line is
 * a HELP, a TYPE or a sample; every sample belongs to a family whose TYPE came first; names and
 * label names are legal; label values are quoted with the three escapes; values parse. Anything
 * else fails with the line.
 */
final class Exposition {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern META = Pattern.compile("# (HELP|TYPE) (" + NAME.pattern() + ") ?(.*)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME.pattern() + ")(\\{(.*)})? (\\S+)( -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\",?");

    /** Family name to its type. */
    final Map<String, String> types = new LinkedHashMap<>();
    /** Each sample by its name and labels as written, e.g. {@code walkindb_refusals_total{code="timeout"}}. */
    final Map<String, Double> samples = new TreeMap<>();

    static Exposition parse(String text) {
        Exposition e = new Exposition();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            e.line(line);
        }
        return e;
    }

    private void line(String line) {
        if (line.startsWith("#")) {
            Matcher m = META.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("bad comment line: " + line);
            }
            if (m.group(1).equals("TYPE")) {
                String type = m.group(3);
                if (!type.matches("counter|gauge|histogram|summary|untyped|info|stateset|unknown")) {
                    throw new AssertionError("bad type: " + line);
                }
                if (types.put(m.group(2), type) != null) {
                    throw new AssertionError("TYPE given twice: " + line);
                }
            }
            return;
        }
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
            throw new AssertionError("bad sample line: " + line);
        }
        String name = m.group(1);
        if (family(name) == null) {
            throw new AssertionError("sample of a family without TYPE: " + line);
        }
        Map<String, String> labels = labels(m.group(3) == null ? "" : m.group(3), line);
        double value = switch (m.group(4)) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(m.group(4));
                } catch (NumberFormatException ex) {
                    throw new AssertionError("bad value: " + line, ex);
                }
            }
        };
        String key = labels.isEmpty() ? name : name + "{" + m.group(3) + "}";
        if (samples.put(key, value) != null) {
            throw new AssertionError("sample given twice: " + line);
        }
    }

    /** The declared family a sample name belongs to (a histogram's _bucket, _sum, _count; a counter's _total). */
    String family(String sample) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : new String[] {"_bucket", "_sum", "_count", "_total", "_created", "_info"}) {
            if (sample.endsWith(suffix) && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return null;
    }

    private static Map<String, String> labels(String text, String line) {
        Map<String, String> out = new HashMap<>();
        Matcher m = LABEL.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new AssertionError("bad labels: " + line);
            }
            if (out.put(m.group(1), m.group(2)) != null) {
                throw new AssertionError("label given twice: " + line);
            }
            at = m.end();
        }
        return out;
    }

    /** The sample's value, 0 when it is absent (a series not created yet). */
    double value(String key) {
        return samples.getOrDefault(key, 0.0);
    }

    boolean has(String key) {
        return samples.containsKey(key);
    }
}
