package dev.drydock.cli.commands;

import dev.drydock.cli.ApiException;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** {@code -p PASSWORD} or {@code --password-stdin}, as docker login takes a password. */
final class PasswordOption {

    @Option(names = {"-p", "--password"}, description = "prefer --password-stdin: arguments are visible to others")
    String password;

    @Option(names = "--password-stdin", description = "reads the password from the first line of standard input")
    boolean stdin;

    /** The password given; fails (usage) when there is none. */
    String read() throws IOException {
        String value = stdin ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine()
                : password;
        if (value == null || value.isEmpty()) {
            throw new ApiException("a password is needed: -p or --password-stdin", 2);
        }
        return value;
    }
}
