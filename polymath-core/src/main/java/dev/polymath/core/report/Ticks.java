package dev.polymath.core.report;

import java.util.ArrayList;
import java.util.List;

/** "Nice" axis ticks: steps of 1, 2, 2.5 or 5 times a power of ten. */
final class Ticks {
    private Ticks() {}

    /** The tick step and the domain widened to whole steps. */
    record Scale(double lo, double hi, double step) {
        List<Double> values() {
            var out = new ArrayList<Double>();
            long n = Math.round((hi - lo) / step);
            for (long i = 0; i <= n; i++) {
                double v = lo + i * step;
                out.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
            }
            return out;
        }

        /** Decimals needed to print every tick distinctly. */
        int decimals() {
            int d = 0;
            while (d < 10 && Math.abs(step * Math.pow(10, d) - Math.rint(step * Math.pow(10, d))) > 1e-6 * Math.pow(10, d)) d++;
            return d;
        }
    }

    static Scale nice(double min, double max, int target) {
        if (!(min <= max) || Double.isInfinite(min) || Double.isInfinite(max)) { min = 0; max = 1; }
        if (min == max) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double raw = (max - min) / Math.max(1, target);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
        double lo = Math.floor(min / step + 1e-9) * step;
        double hi = Math.ceil(max / step - 1e-9) * step;
        if (hi <= lo) hi = lo + step;
        return new Scale(lo, hi, step);
    }
}
