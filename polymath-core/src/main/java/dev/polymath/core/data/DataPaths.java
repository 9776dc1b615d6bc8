package dev.polymath.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Where datasets are found, in order: the folder named by {@code -Dpolymath.data} or {@code POLYMATH_DATA},
 * the repository's bundled {@code datasets/}, then the shared data folder {@code ../shared/data/} next to
 * the repository. The repository root is {@code -Dpolymath.home} (set by the launcher and the build), else
 * the nearest ancestor of the working directory that has a {@code datasets/} folder.
 */
public final class DataPaths {
    private DataPaths() {}

    /** Candidate roots, most specific first; roots that do not exist are left out. */
    public static List<Path> roots() {
        var roots = new LinkedHashSet<Path>();
        String explicit = System.getProperty("polymath.data", System.getenv("POLYMATH_DATA"));
        if (explicit != null && !explicit.isBlank()) {
            for (String p : explicit.split(java.io.File.pathSeparator)) roots.add(Path.of(p).toAbsolutePath().normalize());
        }
        Path home = home();
        if (home != null) {
            roots.add(home.resolve("datasets"));
            roots.add(home.resolveSibling("shared").resolve("data"));
        }
        var existing = new ArrayList<Path>();
        for (Path r : roots) if (Files.isDirectory(r)) existing.add(r);
        return existing;
    }

    /** Every place searched, existing or not, for error messages. */
    public static List<Path> searched() {
        var all = new ArrayList<Path>();
        String explicit = System.getProperty("polymath.data", System.getenv("POLYMATH_DATA"));
        if (explicit != null && !explicit.isBlank()) all.add(Path.of(explicit));
        Path home = home();
        if (home != null) {
            all.add(home.resolve("datasets"));
            all.add(home.resolveSibling("shared").resolve("data"));
        }
        return all;
    }

    /** The repository root, or null when it cannot be found. */
    public static Path home() {
        String h = System.getProperty("polymath.home");
        if (h != null && !h.isBlank()) return Path.of(h).toAbsolutePath().normalize();
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("datasets")) && Files.exists(p.resolve("pom.xml"))) return p;
            p = p.getParent();
        }
        return null;
    }

    /** The first folder named {@code name} under any root; fails with every place searched. */
    public static Path locate(String name) {
        for (Path r : roots()) {
            Path d = r.resolve(name);
            if (Files.isDirectory(d)) return d;
        }
        throw new MissingDataException("dataset folder '" + name + "' not found; searched " + searched()
                + ". Set POLYMATH_DATA to a folder that contains '" + name + "/', or place the shared data at ../shared/data/.");
    }

    /** Like {@link #locate} but returns null when absent (for optional data in tests and catalogs). */
    public static Path find(String name) {
        for (Path r : roots()) {
            Path d = r.resolve(name);
            if (Files.isDirectory(d)) return d;
        }
        return null;
    }
}
