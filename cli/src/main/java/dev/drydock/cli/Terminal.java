package dev.drydock.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether output goes to a person: Java can ask only about stdin and stdout together (System.console()). */
public final class Terminal {

    private Terminal() {
    }

    /** Whether stderr is a terminal (Linux: fd 2 is a tty or pts device). */
    public static boolean stderr() {
        return isTerminal(2);
    }

    /** Whether stdin is a terminal. */
    public static boolean stdin() {
        return isTerminal(0);
    }

    private static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
