package dev.polymath.core.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A line chart of one or more series (learning curves, weight trajectories, accuracy against the number of
 * training tasks). The x axis can be log2 ({@code 2^4 … 2^16}); an optional ± band per series shows a confidence
 * interval. Points that are NaN break the line.
 *
 * <pre>{@code
 * LineChart chart = LineChart.builder("Accuracy vs number of training tasks")
 *         .series("MAML", new double[] {16, 64, 256, 1024}, new double[] {61.2, 66.0, 70.4, 72.9})
 *         .series("ProtoNet", xs, means, halfWidths)
 *         .log2X(true).xLabel("training tasks").yLabel("accuracy (%)")
 *         .build();
 * }</pre>
 *
 * <p>Every series is drawn as exactly one {@code <path class="series">}; nothing else in the chart is a {@code <path>}.
 */
public record LineChart(String title, List<Series> series, String xLabel, String yLabel, boolean log2X,
                        double yMin, double yMax, boolean markers, double width, double height) implements Chart {

    /** Points (x[i], y[i]); {@code errors} holds ± half-widths for a shaded band, or is null. */
    public record Series(String name, double[] x, double[] y, double[] errors) {
        public Series {
            x = x.clone();
            y = y.clone();
            errors = errors == null ? null : errors.clone();
            if (x.length != y.length) throw new IllegalArgumentException("series '" + name + "': " + x.length + " x but " + y.length + " y");
            if (errors != null && errors.length != y.length)
                throw new IllegalArgumentException("series '" + name + "': " + y.length + " values but " + errors.length + " errors");
        }

        @Override public double[] x() { return x.clone(); }
        @Override public double[] y() { return y.clone(); }
        @Override public double[] errors() { return errors == null ? null : errors.clone(); }
    }

    public LineChart {
        title = title == null ? "" : title;
        xLabel = xLabel == null ? "" : xLabel;
        yLabel = yLabel == null ? "" : yLabel;
        series = List.copyOf(series);
        if (log2X) {
            for (Series s : series)
                for (double v : s.x) if (Double.isFinite(v) && v <= 0)
                    throw new IllegalArgumentException("log2 x axis needs x > 0; series '" + s.name() + "' has " + v);
        }
    }

    public static Builder builder(String title) {
        return new Builder(title);
    }

    private boolean usable(Series s, int i) {
        return Double.isFinite(s.x[i]) && Double.isFinite(s.y[i]);
    }

    @Override
    public String toSvg() {
        double w = width > 0 ? width : 640;
        double h = height > 0 ? height : 380;
        DoubleUnaryOperator tx = log2X ? v -> Math.log(v) / Math.log(2) : v -> v;

        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
        boolean integersX = true;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (!usable(s, i)) continue;
                double xv = tx.applyAsDouble(s.x[i]);
                xmin = Math.min(xmin, xv);
                xmax = Math.max(xmax, xv);
                if (s.x[i] != Math.rint(s.x[i])) integersX = false;
                double e = s.errors == null || !Double.isFinite(s.errors[i]) ? 0 : Math.abs(s.errors[i]);
                ymin = Math.min(ymin, s.y[i] - e);
                ymax = Math.max(ymax, s.y[i] + e);
            }
        }
        if (xmin > xmax) { xmin = log2X ? 0 : 0; xmax = 1; }
        if (ymin > ymax) { ymin = 0; ymax = 1; }
        if (Double.isFinite(yMin)) ymin = yMin;
        if (Double.isFinite(yMax)) ymax = yMax;

        // x ticks
        List<Double> xTicks = new ArrayList<>();
        int xDecimals = 0;
        double xlo, xhi;
        if (log2X) {
            xlo = Math.floor(xmin + 1e-9);
            xhi = Math.ceil(xmax - 1e-9);
            if (xhi <= xlo) { xlo -= 1; xhi += 1; }
            int span = (int) (xhi - xlo);
            int step = Math.max(1, (int) Math.ceil(span / 10.0));
            for (double k = xlo; k <= xhi + 1e-9; k += step) xTicks.add(k);
        } else {
            Ticks.Scale xs = Ticks.nice(xmin, xmax, 8);
            if (integersX && xs.step() < 1) xs = new Ticks.Scale(Math.floor(xs.lo()), Math.ceil(xs.hi()), 1);
            xlo = xs.lo();
            xhi = xs.hi();
            xTicks = xs.values();
            xDecimals = xs.decimals();
        }
        Ticks.Scale ys = Ticks.nice(ymin, ymax, 6);
        double ylo = Double.isFinite(yMin) ? yMin : ys.lo();
        double yhi = Double.isFinite(yMax) ? yMax : ys.hi();
        int yDecimals = ys.decimals();
        double tickLabelW = 0;
        for (double t : ys.values()) tickLabelW = Math.max(tickLabelW, Svg.textWidth(Fmt.fixed(t, yDecimals), 11));

        List<String> names = series.stream().map(Series::name).toList();
        boolean showLegend = series.size() > 1 || (series.size() == 1 && !series.get(0).name().isBlank());
        double top = 12 + (title.isBlank() ? 0 : 22);
        double left = 18 + tickLabelW + (yLabel.isBlank() ? 0 : 18);
        double right = 20;
        double legendH = showLegend ? Svg.legendHeight(w - left - right, names) + 6 : 0;
        double plotTop = top + legendH + 8;
        double bottom = 28 + (xLabel.isBlank() ? 0 : 18);
        double plotBottom = h - bottom;
        if (plotBottom - plotTop < 80) { h += 80 - (plotBottom - plotTop); plotBottom = h - bottom; }
        double plotW = w - left - right, plotH = plotBottom - plotTop;
        final double fxlo = xlo, fxhi = xhi, fylo = ylo, fyhi = yhi, fTop = plotTop;
        DoubleUnaryOperator px = v -> left + (tx.applyAsDouble(v) - fxlo) / (fxhi - fxlo) * plotW;
        DoubleUnaryOperator pxT = v -> left + (v - fxlo) / (fxhi - fxlo) * plotW;      // already transformed
        DoubleUnaryOperator py = v -> fTop + (fyhi - v) / (fyhi - fylo) * plotH;

        var svg = new Svg(w, h, title.isBlank() ? "line chart" : title);
        if (!title.isBlank()) svg.text(w / 2, 12 + 14, title, "middle", 15, "#111111", "chart-title", "font-weight=\"600\"");
        if (showLegend) svg.legend(left, top, plotW, names, true);

        for (double t : ys.values()) {
            if (t < ylo - 1e-9 || t > yhi + 1e-9) continue;
            double y = py.applyAsDouble(t);
            svg.line(left, y, left + plotW, y, Svg.GRID, 1, "grid");
            svg.text(left - 6, y + 4, Fmt.fixed(t, yDecimals), "end", 11, Svg.AXIS, "tick", null);
        }
        for (double t : xTicks) {
            double x = pxT.applyAsDouble(t);
            svg.line(x, plotTop, x, plotBottom, Svg.GRID, 1, "grid");
            svg.line(x, plotBottom, x, plotBottom + 4, Svg.AXIS, 1, "tick");
            if (log2X) {
                svg.raw("<text class=\"tick\" x=\"" + Svg.n(x) + "\" y=\"" + Svg.n(plotBottom + 17)
                        + "\" text-anchor=\"middle\" font-size=\"11\" fill=\"" + Svg.AXIS + "\">2<tspan dy=\"-5\" font-size=\"8\">"
                        + Fmt.fixed(t, 0) + "</tspan></text>\n");
            } else {
                svg.text(x, plotBottom + 17, Fmt.fixed(t, xDecimals), "middle", 11, Svg.AXIS, "tick", null);
            }
        }
        svg.line(left, plotTop, left, plotBottom, Svg.AXIS, 1, "axis");
        svg.line(left, plotBottom, left + plotW, plotBottom, Svg.AXIS, 1, "axis");
        if (!xLabel.isBlank()) svg.text(left + plotW / 2, h - 8, xLabel, "middle", 12, Svg.AXIS, "axis-label", null);
        if (!yLabel.isBlank()) {
            double cy = (plotTop + plotBottom) / 2;
            svg.text(14, cy, yLabel, "middle", 12, Svg.AXIS, "axis-label", "transform=\"rotate(-90 14 " + Svg.n(cy) + ")\"");
        }

        // clip to the plot area so a fixed y range does not spill lines over the axes
        // the id depends only on the clip geometry, so charts sharing a page can never clip each other wrongly
        String clipId = "pm-clip-" + Svg.n(left).replace('.', '_') + "-" + Svg.n(plotTop).replace('.', '_') + "-"
                + Svg.n(plotW).replace('.', '_') + "-" + Svg.n(plotBottom).replace('.', '_');
        double l = left - 4, t = plotTop - 4, r = left + plotW + 4, bt = plotBottom + 4;   // room for markers on the edges
        svg.raw("<defs><clipPath id=\"" + clipId + "\"><polygon points=\"" + Svg.n(l) + "," + Svg.n(t) + " " + Svg.n(r) + "," + Svg.n(t)
                + " " + Svg.n(r) + "," + Svg.n(bt) + " " + Svg.n(l) + "," + Svg.n(bt) + "\"/></clipPath></defs>\n");
        svg.raw("<g clip-path=\"url(#" + clipId + ")\">\n");
        for (int s = 0; s < series.size(); s++) {
            Series se = series.get(s);
            String c = Svg.color(s);
            if (se.errors != null) {
                // one band polygon per unbroken run of points
                int i = 0;
                while (i < se.x.length) {
                    while (i < se.x.length && !usable(se, i)) i++;
                    int start = i;
                    while (i < se.x.length && usable(se, i)) i++;
                    if (i - start < 2) continue;
                    var pts = new StringBuilder();
                    for (int k = start; k < i; k++) {
                        double e = Double.isFinite(se.errors[k]) ? Math.abs(se.errors[k]) : 0;
                        pts.append(Svg.n(px.applyAsDouble(se.x[k]))).append(',').append(Svg.n(py.applyAsDouble(se.y[k] + e))).append(' ');
                    }
                    for (int k = i - 1; k >= start; k--) {
                        double e = Double.isFinite(se.errors[k]) ? Math.abs(se.errors[k]) : 0;
                        pts.append(Svg.n(px.applyAsDouble(se.x[k]))).append(',').append(Svg.n(py.applyAsDouble(se.y[k] - e))).append(' ');
                    }
                    svg.raw("<polygon class=\"band\" points=\"" + pts.toString().strip() + "\" fill=\"" + c + "\" fill-opacity=\"0.15\" stroke=\"none\"/>\n");
                }
            }
            var d = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < se.x.length; i++) {
                if (!usable(se, i)) { pen = false; continue; }
                d.append(pen ? 'L' : 'M').append(Svg.n(px.applyAsDouble(se.x[i]))).append(' ').append(Svg.n(py.applyAsDouble(se.y[i])));
                pen = true;
            }
            svg.raw("<path class=\"series\" d=\"" + (d.isEmpty() ? "M0 0" : d) + "\" fill=\"none\" stroke=\"" + c
                    + "\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\"><title>" + Xml.escape(se.name()) + "</title></path>\n");
            int count = 0;
            for (int i = 0; i < se.x.length; i++) if (usable(se, i)) count++;
            if (markers && count <= 60) {
                for (int i = 0; i < se.x.length; i++) {
                    if (!usable(se, i)) continue;
                    String tip = (se.name().isBlank() ? "" : se.name() + " · ") + Fmt.compact(se.x[i], 4) + ": " + Fmt.compact(se.y[i], 4)
                            + (se.errors != null && Double.isFinite(se.errors[i]) ? " ± " + Fmt.compact(Math.abs(se.errors[i]), 4) : "");
                    svg.raw("<circle class=\"point\" cx=\"" + Svg.n(px.applyAsDouble(se.x[i])) + "\" cy=\"" + Svg.n(py.applyAsDouble(se.y[i]))
                            + "\" r=\"3\" fill=\"" + c + "\"><title>" + Xml.escape(tip) + "</title></circle>\n");
                }
            }
        }
        svg.raw("</g>\n");
        return svg.toString();
    }

    /** Collects series and axis options; see the class example. */
    public static final class Builder {
        private final String title;
        private final List<Series> series = new ArrayList<>();
        private String xLabel = "", yLabel = "";
        private boolean log2X;
        private boolean markers = true;
        private double yMin = Double.NaN, yMax = Double.NaN;
        private double width, height;

        private Builder(String title) {
            this.title = title;
        }

        public Builder series(String name, double[] x, double[] y) {
            series.add(new Series(name, x, y, null));
            return this;
        }

        /** A series with a shaded ± band ({@code halfWidths} as from a mean ± CI). */
        public Builder series(String name, double[] x, double[] y, double[] halfWidths) {
            series.add(new Series(name, x, y, halfWidths));
            return this;
        }

        /** A series with x = 0, 1, 2, … (e.g. a per-step loss). */
        public Builder series(String name, double[] y) {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) x[i] = i;
            return series(name, x, y);
        }

        public Builder series(Series s) {
            series.add(s);
            return this;
        }

        public Builder xLabel(String label) {
            this.xLabel = label;
            return this;
        }

        public Builder yLabel(String label) {
            this.yLabel = label;
            return this;
        }

        /** Logarithmic x axis with ticks at powers of two (all x must be positive). */
        public Builder log2X(boolean on) {
            this.log2X = on;
            return this;
        }

        /** A fixed y range (e.g. 0 to 100 for accuracy); NaN keeps the automatic bound. */
        public Builder yRange(double min, double max) {
            this.yMin = min;
            this.yMax = max;
            return this;
        }

        /** Point markers with hover values (default on; never drawn for series longer than 60 points). */
        public Builder markers(boolean on) {
            this.markers = on;
            return this;
        }

        public Builder size(double width, double height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public LineChart build() {
            return new LineChart(title, series, xLabel, yLabel, log2X, yMin, yMax, markers, width, height);
        }
    }
}
