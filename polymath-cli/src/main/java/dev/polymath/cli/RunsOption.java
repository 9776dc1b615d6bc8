package dev.polymath.cli;

import dev.polymath.core.data.DataPaths;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --runs DIR}: where run records go (default: {@code runs/} in the repository, else the working folder). */
final class RunsOption {
    @Option(names = "--runs", paramLabel = "DIR", description = "folder for run records (default: <repo>/runs)")
    Path runs;

    Path dir() {
        if (runs != null) return runs;
        Path home = DataPaths.home();
        return (home != null ? home : Path.of("")).resolve("runs");
    }
}
