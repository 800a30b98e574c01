package org.p2pgrid.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./p2pgrid}. Every subcommand has {@code --help}. */
@Command(name = "p2pgrid",
        mixinStandardHelpOptions = true,
        version = "p2pgrid 0.1.0",
        description = "MARL for real-time P2P energy trading in distribution networks.",
        subcommands = {SimulateCommand.class, TrainCommand.class, EvaluateCommand.class, ExpertCommand.class,
                PowerflowCommand.class, NodeCommand.class, CommandLine.HelpCommand.class})
public final class P2pGrid implements Runnable {

    static {
        Offline.enforce();
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new P2pGrid()).setExecutionExceptionHandler(P2pGrid::reportBadInput);
        // `node` hands everything after ROLE to ClusterNode (its options take values picocli does not know)
        cl.getSubcommands().get("node").setStopAtPositional(true);
        return cl;
    }

    /**
     * Bad input (options, scenario files, case files, data) is the user's to fix: one line naming what
     * is wrong and exit code 2, not a stack trace. Anything else is a bug and keeps its stack trace.
     */
    private static int reportBadInput(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof IllegalArgumentException || e instanceof com.typesafe.config.ConfigException
                || e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
            cmd.getErr().println("p2pgrid " + cmd.getCommandName() + ": " + e.getMessage());
            return 2;
        }
        throw e;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        // After Ctrl-C / SIGTERM the JVM is already shutting down and `train`'s hook waits for this
        // thread to finish its checkpoint; System.exit would block on the shutdown lock the hook's
        // runner holds, and the JVM would only exit when the hook gave up waiting (10 minutes).
        if (!shutdownInProgress()) {
            System.exit(code);
        }
    }

    private static boolean shutdownInProgress() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shuttingDown) {
            return true;
        }
    }
}
