package dev.polymath.core.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.core.data.DataPaths;
import dev.polymath.core.data.MissingDataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A reference Python script from {@code ../shared/peers/} (or {@code POLYMATH_PEERS}), run with Debian's
 * interpreter so that it sees Debian's {@code python3-torch}/{@code python3-numpy}. Each peer prints one
 * JSON line, which is returned parsed.
 */
public final class PeerScript {
    public static final String PYTHON = System.getProperty("polymath.python", "/usr/bin/python3");

    private final Path script;

    private PeerScript(Path script) {
        this.script = script;
    }

    /** Finds a peer by file name; fails naming every folder searched. */
    public static PeerScript locate(String fileName) {
        var searched = new ArrayList<Path>();
        String env = System.getProperty("polymath.peers", System.getenv("POLYMATH_PEERS"));
        if (env != null && !env.isBlank()) searched.add(Path.of(env));
        Path home = DataPaths.home();
        if (home != null) searched.add(home.resolveSibling("shared").resolve("peers"));
        for (Path dir : searched) {
            Path p = dir.resolve(fileName);
            if (Files.isRegularFile(p)) return new PeerScript(p);
        }
        throw new MissingDataException("peer script " + fileName + " not found; searched " + searched
                + " (set POLYMATH_PEERS to the folder holding the peers)");
    }

    /** A peer script at a known path (e.g. one kept in a module's test resources). */
    public static PeerScript at(Path script) {
        if (!Files.isRegularFile(script)) throw new MissingDataException("peer script " + script + " does not exist");
        return new PeerScript(script);
    }

    public Path path() {
        return script;
    }

    /**
     * Null when the interpreter can import every module, else a sentence saying what to install. Debian
     * package names are {@code python3-<module>}.
     */
    public static String missingPython(String... modules) {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return PYTHON + " not found: install Debian's python3 and python3-" + String.join(" python3-", modules);
        }
        try {
            var cmd = List.of(PYTHON, "-c", "import " + String.join(", ", modules));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return null;
        } catch (IOException e) {
            return "could not run " + PYTHON + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking " + PYTHON;
        }
        var pkgs = new StringBuilder();
        for (String m : modules) pkgs.append(" python3-").append(m);
        return "the peer needs Python modules " + String.join(", ", modules) + " in " + PYTHON
                + ": apt-get install -y --no-install-recommends" + pkgs;
    }

    /** Runs the script with arguments and extra environment; returns its last JSON line. */
    public JsonNode run(List<String> args, Map<String, String> env, long timeoutSeconds) throws IOException, InterruptedException {
        var cmd = new ArrayList<String>();
        cmd.add(PYTHON);
        cmd.add(script.toString());
        cmd.addAll(args);
        var pb = new ProcessBuilder(cmd);
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        pb.environment().putAll(env);
        Path errLog = Files.createTempFile("polymath-peer-", ".log");
        pb.redirectError(errLog.toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("peer " + script.getFileName() + " timed out after " + timeoutSeconds + " s");
        }
        String err = Files.readString(errLog, StandardCharsets.UTF_8);
        Files.deleteIfExists(errLog);
        if (p.exitValue() != 0) {
            throw new IOException("peer " + script.getFileName() + " exited with " + p.exitValue() + ": " + tail(err));
        }
        String stdout = new String(out, StandardCharsets.UTF_8);
        String last = null;
        for (String line : stdout.split("\n")) if (line.strip().startsWith("{")) last = line.strip();
        if (last == null) throw new IOException("peer " + script.getFileName() + " printed no JSON line: " + tail(stdout));
        return new ObjectMapper().readTree(last);
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() > 600 ? "..." + t.substring(t.length() - 600) : t;
    }
}
