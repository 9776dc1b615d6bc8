package dev.polymath.core.report;

import dev.polymath.core.util.AtomicFiles;

import java.nio.file.Path;

/** A chart drawn as self-contained SVG (no scripts, no external fonts or styles). */
public sealed interface Chart permits BarChart, LineChart {

    String title();

    /** The chart as one {@code <svg>} element with its namespace declared: usable inline in (X)HTML or on its own. */
    String toSvg();

    /** Writes the chart as a standalone {@code .svg} file (atomically). */
    default void writeSvg(Path file) {
        AtomicFiles.writeString(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + toSvg());
    }
}
