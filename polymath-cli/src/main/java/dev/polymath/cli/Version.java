package dev.polymath.cli;

import dev.polymath.core.run.CodeVersion;
import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"polymath " + CodeVersion.current()};
    }
}
