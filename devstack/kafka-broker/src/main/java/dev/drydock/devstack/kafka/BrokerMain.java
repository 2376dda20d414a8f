package dev.drydock.devstack.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Runs a single-node KRaft broker in this JVM: formats the storage on first use, then starts the broker.
 * Supervision (ending the broker with its parent) is the launcher's job, the same as for every devstack process.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BrokerMain <server.properties> <cluster-id>");
            System.exit(2);
        }
        Path propsFile = Path.of(args[0]);
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(propsFile)) {
            props.load(in);
        }
        Path logDir = Path.of(props.getProperty("log.dirs"));
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            String clusterId = args[1];
            // execute() and not main(): main() calls Exit.exit and would end this JVM.
            int rc = kafka.tools.StorageTool.execute(
                    new String[] {"format", "-t", clusterId, "-c", propsFile.toString()}, new PrintStream(System.out));
            if (rc != 0) {
                System.err.println("kafka storage format failed with " + rc);
                System.exit(rc);
            }
        }
        kafka.Kafka.main(new String[] {propsFile.toString()});
    }
}
