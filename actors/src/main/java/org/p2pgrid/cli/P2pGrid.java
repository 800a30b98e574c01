package org.p2pgrid.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./p2pgrid}. Every subcommand has {@code --help}. */
@Command(name = "p2pgrid",
        mixinStandardHelpOptions = true,
        version = "p2pgrid 0.1.0",
        description = "MARL for real-time P2P energy trading in distribution networks.",
        subcommands = {SimulateCommand.class, ExpertCommand.class, CommandLine.HelpCommand.class, PowerflowCommand.class})
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
        return new CommandLine(new P2pGrid());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
