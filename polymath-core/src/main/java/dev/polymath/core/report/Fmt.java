package dev.polymath.core.report;

import java.time.Duration;
import java.util.Locale;

/**
 * Number formatting for tables and reports. Always uses {@link Locale#ROOT} (a dot as decimal separator),
 * and shows a missing value (NaN, null) as an em dash.
 */
public final class Fmt {
    private Fmt() {}

    /** Shown for NaN and missing values. */
    public static final String MISSING = "—";

    /** {@code fixed(81.5321, 2)} is {@code "81.53"}; infinities are {@code "∞"} / {@code "-∞"}. */
    public static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) return MISSING;
        if (Double.isInfinite(v)) return v > 0 ? "∞" : "-∞";
        String s = String.format(Locale.ROOT, "%." + Math.max(0, decimals) + "f", v);
        return isNegativeZero(s) ? s.substring(1) : s;
    }

    /** Like {@link #fixed} with an explicit sign for positive values: {@code "+1.20"}, {@code "-0.35"}, {@code "0.00"}. */
    public static String signed(double v, int decimals) {
        String s = fixed(v, decimals);
        if (Double.isNaN(v) || s.startsWith("-")) return s;
        return Double.parseDouble(s.replace("∞", "Infinity")) == 0.0 ? s : "+" + s;
    }

    /** A fraction shown as a percentage number without the sign: {@code percent(0.8153, 2)} is {@code "81.53"}. */
    public static String percent(double fraction, int decimals) {
        return fixed(fraction * 100.0, decimals);
    }

    /** {@code meanCi(81.53, 0.42, 2)} is {@code "81.53 ± 0.42"}; a NaN half-width shows the mean alone. */
    public static String meanCi(double mean, double halfWidth, int decimals) {
        if (Double.isNaN(mean)) return MISSING;
        if (Double.isNaN(halfWidth)) return fixed(mean, decimals);
        return fixed(mean, decimals) + " ± " + fixed(Math.abs(halfWidth), decimals);
    }

    /** Formats a number with the fewest decimals (up to {@code maxDecimals}) that shows it exactly at that precision. */
    public static String compact(double v, int maxDecimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return fixed(v, 0);
        String s = fixed(v, maxDecimals);
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') end--;
            if (s.charAt(end - 1) == '.') end--;
            s = s.substring(0, end);
        }
        return isNegativeZero(s) ? s.substring(1) : s;
    }

    /** Thousands separators: {@code 1234567 -> "1,234,567"}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 1536 -> "1.5 KiB"}. */
    public static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
        return fixed(v, v < 10 ? 1 : 0) + " " + units[u];
    }

    /** {@code "850 ms"}, {@code "12.3 s"}, {@code "4m 05s"}, {@code "2h 03m 07s"}. */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 0) ms = 0;
        if (ms < 1000) return ms + " ms";
        if (ms < 60_000) return fixed(ms / 1000.0, 1) + " s";
        long s = ms / 1000;
        if (s < 3600) return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh %02dm %02ds", s / 3600, (s / 60) % 60, s % 60);
    }

    /** A clock-style duration for progress displays: {@code "0:07"}, {@code "12:34"}, {@code "1:02:03"}. */
    public static String clock(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < 0) return "?";
        long s = Math.round(seconds);
        if (s < 3600) return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    private static boolean isNegativeZero(String s) {
        if (!s.startsWith("-")) return false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '0' && c != '.') return false;
        }
        return true;
    }
}
