package dev.polymath.cli;

import picocli.CommandLine;

/**
 * Turns failures into one clear line and a non-zero exit. Stack traces only with {@code POLYMATH_DEBUG=1},
 * because users need the file, field or name that is wrong, not our call stack.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        var err = cmd.getErr();
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + msg);
        if ("1".equals(System.getenv("POLYMATH_DEBUG"))) ex.printStackTrace(err);
        err.flush();
        return 1;
    }
}
