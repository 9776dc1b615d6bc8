package dev.polymath.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code polymath} command. The CLI only parses, wires and prints. */
@Command(name = "polymath", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "One model, many tasks: multi-task learning, meta-learning, few-shot adaptation, "
                + "model merging and evaluation on the JVM.",
        subcommands = {
                CommandLine.HelpCommand.class,
                QuickstartCommand.class,
                DatasetsCommand.class,
                EncodeCommand.class,
                FewShotCommand.class,
                MergeCommand.class,
                BenchCommand.class,
                MetaCommand.class,
                IclCommand.class,
                MtlCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code; tests call this. */
    public static int run(String... args) {
        var cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli.execute(args);
    }
}
