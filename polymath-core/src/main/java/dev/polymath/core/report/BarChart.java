package dev.polymath.core.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A grouped bar chart: one group per category (e.g. task) with one bar per series (e.g. method). Bars start at
 * zero, so negative values (a Δm% below the baseline) hang below the axis. Optional error bars (± half-width),
 * value labels and a legend. Missing values (NaN) leave a gap.
 *
 * <pre>{@code
 * BarChart chart = BarChart.builder("Δm% vs single-task")
 *         .categories("banking77", "clinc150", "hwu64")
 *         .series("Linear scalarization", 1.2, -0.8, 0.4)
 *         .series("PCGrad", new double[] {2.1, 0.3, 0.9}, new double[] {0.4, 0.5, 0.3})
 *         .yLabel("Δm (%)").decimals(1)
 *         .build();
 * }</pre>
 *
 * <p>Every drawn bar is exactly one {@code <rect class="bar">}; nothing else in the chart is a {@code <rect>}.
 */
public record BarChart(String title, List<String> categories, List<Series> series, String yLabel, int decimals,
                       boolean valueLabels, double width, double height) implements Chart {

    /** One bar per category; {@code errors} holds half-widths for error bars, or is null. */
    public record Series(String name, double[] values, double[] errors) {
        public Series {
            values = values.clone();
            errors = errors == null ? null : errors.clone();
            if (errors != null && errors.length != values.length)
                throw new IllegalArgumentException("series '" + name + "': " + values.length + " values but " + errors.length + " errors");
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        @Override
        public double[] errors() {
            return errors == null ? null : errors.clone();
        }
    }

    public BarChart {
        categories = List.copyOf(categories);
        series = List.copyOf(series);
        yLabel = yLabel == null ? "" : yLabel;
        title = title == null ? "" : title;
        for (Series s : series) {
            if (s.values.length != categories.size())
                throw new IllegalArgumentException("series '" + s.name() + "' has " + s.values.length + " values for "
                        + categories.size() + " categories");
        }
    }

    public static Builder builder(String title) {
        return new Builder(title);
    }

    @Override
    public String toSvg() {
        int nc = categories.size(), ns = Math.max(1, series.size());
        double w = width > 0 ? width : Math.max(560, 90 + nc * Math.max(64, ns * 24 + 18));
        double h = height > 0 ? height : 380;

        List<String> names = series.stream().map(Series::name).toList();
        boolean showLegend = series.size() > 1 || (series.size() == 1 && !series.get(0).name().isBlank());
        double top = 12 + (title.isBlank() ? 0 : 22);
        double legendH = showLegend ? Svg.legendHeight(w - 40, names) + 6 : 0;

        // value domain always includes zero, so bar heights are proportional to values
        double min = 0, max = 0;
        for (Series s : series) {
            for (int i = 0; i < nc; i++) {
                double v = s.values[i];
                if (!Double.isFinite(v)) continue;
                double e = s.errors == null || !Double.isFinite(s.errors[i]) ? 0 : Math.abs(s.errors[i]);
                min = Math.min(min, v - e);
                max = Math.max(max, v + e);
            }
        }
        if (min == 0 && max == 0) max = 1;
        Ticks.Scale scale = Ticks.nice(min, max, 6);
        int tickDecimals = scale.decimals();
        double tickLabelW = 0;
        for (double t : scale.values()) tickLabelW = Math.max(tickLabelW, Svg.textWidth(Fmt.fixed(t, tickDecimals), 11));

        double groupGuess = (w - 80) / Math.max(1, nc);
        double maxCatW = 0;
        for (String c : categories) maxCatW = Math.max(maxCatW, Svg.textWidth(c, 11));
        boolean rotate = maxCatW > groupGuess - 6;
        double bottom = rotate ? Math.min(140, 22 + maxCatW * 0.58) : 30;   // sin(35°) of the longest label

        double left = 18 + tickLabelW + (yLabel.isBlank() ? 0 : 18);
        double right = 16;
        double plotW = w - left - right;
        double group = plotW / Math.max(1, nc);
        double inner = group * 0.8;
        double barW = inner / ns;
        double maxLabelW = 0;
        for (Series se : series) for (double v : se.values) if (Double.isFinite(v)) maxLabelW = Math.max(maxLabelW, Svg.textWidth(Fmt.fixed(v, decimals), 10));
        boolean verticalLabels = valueLabels && maxLabelW > barW - 1;
        double headroom = !valueLabels ? 8 : verticalLabels ? maxLabelW + 8 : 16;   // room for value labels
        double plotTop = top + legendH + headroom;
        double below = min < 0 ? headroom : 0;
        double plotBottom = h - bottom - below;
        if (plotBottom - plotTop < 80) { h += 80 - (plotBottom - plotTop); plotBottom = h - bottom - below; }
        double lo = scale.lo(), hi = scale.hi();
        double yScale = (plotBottom - plotTop) / (hi - lo);
        double fTop = plotTop, fLo = lo;
        java.util.function.DoubleUnaryOperator y = v -> fTop + (hi - v) * yScale;
        double y0 = y.applyAsDouble(0);

        var svg = new Svg(w, h, title.isBlank() ? "bar chart" : title);
        if (!title.isBlank()) svg.text(w / 2, 12 + 14, title, "middle", 15, "#111111", "chart-title", "font-weight=\"600\"");
        if (showLegend) svg.legend(left, top, w - left - right, names, false);

        // grid and y ticks
        for (double t : scale.values()) {
            double ty = y.applyAsDouble(t);
            if (t != 0) svg.line(left, ty, left + plotW, ty, Svg.GRID, 1, "grid");
            svg.text(left - 6, ty + 4, Fmt.fixed(t, tickDecimals), "end", 11, Svg.AXIS, "tick", null);
        }
        svg.line(left, y.applyAsDouble(hi), left, y.applyAsDouble(fLo), Svg.AXIS, 1, "axis");
        if (!yLabel.isBlank()) {
            double cy = (plotTop + plotBottom) / 2;
            svg.text(14, cy, yLabel, "middle", 12, Svg.AXIS, "axis-label", "transform=\"rotate(-90 14 " + Svg.n(cy) + ")\"");
        }

        // bars
        for (int c = 0; c < nc; c++) {
            double gx = left + c * group + (group - inner) / 2;
            for (int s = 0; s < series.size(); s++) {
                Series se = series.get(s);
                double v = se.values[c];
                if (!Double.isFinite(v)) continue;
                double x = gx + s * barW;
                double yv = y.applyAsDouble(v);
                double ry = Math.min(yv, y0), rh = Math.abs(yv - y0);
                String label = Fmt.fixed(v, decimals);
                String tip = (se.name().isBlank() ? "" : se.name() + " · ") + categories.get(c) + ": " + label
                        + (se.errors != null && Double.isFinite(se.errors[c]) ? " ± " + Fmt.fixed(Math.abs(se.errors[c]), decimals) : "");
                svg.raw("<rect class=\"bar\" x=\"" + Svg.n(x + barW * 0.06) + "\" y=\"" + Svg.n(ry) + "\" width=\""
                        + Svg.n(barW * 0.88) + "\" height=\"" + Svg.n(rh) + "\" fill=\"" + Svg.color(s) + "\" data-value=\""
                        + Xml.escape(Double.toString(v)) + "\"><title>" + Xml.escape(tip) + "</title></rect>\n");
                double cx = x + barW / 2;
                double tipY = yv;
                if (se.errors != null && Double.isFinite(se.errors[c]) && se.errors[c] != 0) {
                    double e = Math.abs(se.errors[c]);
                    double ya = y.applyAsDouble(v + e), yb = y.applyAsDouble(v - e);
                    double cap = Math.min(6, barW * 0.3);
                    svg.line(cx, ya, cx, yb, "#222222", 1.2, "err");
                    svg.line(cx - cap, ya, cx + cap, ya, "#222222", 1.2, "err");
                    svg.line(cx - cap, yb, cx + cap, yb, "#222222", 1.2, "err");
                    tipY = v >= 0 ? ya : yb;
                }
                if (valueLabels) {
                    if (verticalLabels) {
                        double ty = v >= 0 ? tipY - 4 : tipY + 4;
                        svg.text(cx + 3.5, ty, label, v >= 0 ? "start" : "end", 10, "#222222", "value",
                                "transform=\"rotate(-90 " + Svg.n(cx + 3.5) + " " + Svg.n(ty) + ")\"");
                    } else {
                        svg.text(cx, v >= 0 ? tipY - 4 : tipY + 12, label, "middle", 10, "#222222", "value", null);
                    }
                }
            }
            // category label
            double lx = left + c * group + group / 2;
            double ly = h - bottom + 16;
            if (rotate) {
                svg.text(lx, ly - 4, categories.get(c), "end", 11, "#222222", "category",
                        "transform=\"rotate(-35 " + Svg.n(lx) + " " + Svg.n(ly - 4) + ")\"");
            } else {
                svg.text(lx, ly, categories.get(c), "middle", 11, "#222222", "category", null);
            }
        }
        svg.line(left, y0, left + plotW, y0, Svg.AXIS, 1.2, "zero");
        return svg.toString();
    }

    /** Collects categories and series; see the class example. */
    public static final class Builder {
        private final String title;
        private final List<String> categories = new ArrayList<>();
        private final List<Series> series = new ArrayList<>();
        private String yLabel = "";
        private int decimals = 1;
        private boolean valueLabels = true;
        private double width, height;

        private Builder(String title) {
            this.title = title;
        }

        public Builder categories(String... names) {
            categories.addAll(Arrays.asList(names));
            return this;
        }

        public Builder categories(List<String> names) {
            categories.addAll(names);
            return this;
        }

        public Builder series(String name, double... values) {
            series.add(new Series(name, values, null));
            return this;
        }

        /** A series with error bars; {@code halfWidths} as from a mean ± CI. */
        public Builder series(String name, double[] values, double[] halfWidths) {
            series.add(new Series(name, values, halfWidths));
            return this;
        }

        public Builder yLabel(String label) {
            this.yLabel = label;
            return this;
        }

        /** Decimals of value labels (default 1). */
        public Builder decimals(int decimals) {
            this.decimals = decimals;
            return this;
        }

        public Builder valueLabels(boolean on) {
            this.valueLabels = on;
            return this;
        }

        /** Size in pixels; 0 (default) picks one from the number of bars. */
        public Builder size(double width, double height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public BarChart build() {
            return new BarChart(title, categories, series, yLabel, decimals, valueLabels, width, height);
        }
    }
}
