package dev.drydock.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drydock.cli.Api;
import dev.drydock.cli.ApiException;
import dev.drydock.cli.Terminal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An interactive exec as ACI's: the instance service answers a WebSocket URI and a one-time password; keystrokes go
 * to the container's terminal, its output comes back, and the socket's close reason carries the exit code. A
 * terminal of the user's own is put in raw mode for the session (the remote terminal echoes) and restored after.
 */
final class TerminalSession {

    private record Closed(int code, String reason) {
    }

    private TerminalSession() {
    }

    static int run(Api api, String execPath, List<String> command) throws IOException, InterruptedException {
        boolean tty = Terminal.stdin();
        int[] size = tty ? size() : new int[] {24, 80};
        JsonNode opened = api.post(Api.Service.INSTANCES, execPath, Map.of("command", command, "interactive", true,
                "terminalSize", Map.of("rows", size[0], "cols", size[1])));
        CompletableFuture<Closed> closed = new CompletableFuture<>();
        PrintStream out = System.out;
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                out.write(bytes, 0, bytes.length);
                out.flush();
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                out.print(data);
                out.flush();
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                closed.complete(new Closed(code, reason));
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.completeExceptionally(error);
            }
        };
        WebSocket ws = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().newWebSocketBuilder()
                .buildAsync(URI.create(opened.path("webSocketUri").asText()), listener).join();
        ws.sendText(opened.path("password").asText(), true).join();
        String saved = tty ? stty("-g").strip() : null;
        if (tty) {
            stty("raw", "-echo");
        }
        try {
            Thread keys = new Thread(() -> send(System.in, ws), "keystrokes");
            keys.setDaemon(true);
            keys.start();
            Closed end = closed.join();
            if (end.code() == 1000 && end.reason().startsWith("exit ")) {
                return Integer.parseInt(end.reason().substring(5).strip());
            }
            throw new ApiException("the session ended: " + end.reason() + " (" + end.code() + ")", Api.EXIT_FAILED);
        } finally {
            if (saved != null) {
                stty(saved);
            }
        }
    }

    /** Keystrokes (or piped input) as they come; the end of input ends nothing: the command decides. */
    private static void send(InputStream in, WebSocket ws) {
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                ws.sendBinary(ByteBuffer.wrap(buffer, 0, n), true).join();
            }
        } catch (IOException | RuntimeException e) {
            // the session closed under us; the close tells the rest
        }
    }

    private static int[] size() throws IOException, InterruptedException {
        String[] rowsCols = stty("size").strip().split("\\s+");
        try {
            return new int[] {Integer.parseInt(rowsCols[0]), Integer.parseInt(rowsCols[1])};
        } catch (RuntimeException e) {
            return new int[] {24, 80};
        }
    }

    /** stty on the user's terminal (Java has no raw mode of its own). */
    private static String stty(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("stty"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }
}
