package dev.polymath.core.run;

import java.nio.file.Files;
import java.nio.file.Path;

/** The code version recorded with every run: the git commit (with "-dirty" for uncommitted changes) or the jar version. */
public final class CodeVersion {
    private CodeVersion() {}

    private static volatile String cached;

    public static String current() {
        String v = cached;
        if (v == null) cached = v = compute();
        return v;
    }

    private static String compute() {
        String pkg = CodeVersion.class.getPackage().getImplementationVersion();
        String base = pkg == null ? "0.1.0-SNAPSHOT" : pkg;
        Path home = dev.polymath.core.data.DataPaths.home();
        if (home == null || !Files.exists(home.resolve(".git"))) return base;   // a file in git worktrees
        try {
            String commit = exec(home, "git", "rev-parse", "--short=12", "HEAD");
            if (commit.isEmpty()) return base;
            String dirty = exec(home, "git", "status", "--porcelain", "--untracked-files=no");
            return base + "+" + commit + (dirty.isEmpty() ? "" : "-dirty");
        } catch (Exception e) {
            return base;
        }
    }

    private static String exec(Path dir, String... cmd) throws Exception {
        var p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return p.waitFor() == 0 ? out : "";
    }
}
