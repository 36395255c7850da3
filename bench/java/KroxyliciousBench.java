// Kroxylicious as a peer in the end-to-end bench (bench/lib/kroxylicious.ts starts it): Maven Central has no
// kroxylicious-app artifact, so this main does what its app does, through the runtime's own config parser and
// proxy classes. Usage: java -cp <jars>:<classes> KroxyliciousBench <config.yaml>
// Prints "ready" once the proxy has started; stops when its stdin closes, which also happens when the bench
// dies without stopping it (nothing else holds the pipe's write end).
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.kroxylicious.proxy.KafkaProxy;
import io.kroxylicious.proxy.config.ConfigParser;
import io.kroxylicious.proxy.config.Configuration;
import io.kroxylicious.proxy.internal.config.Features;

public final class KroxyliciousBench {
    private KroxyliciousBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KroxyliciousBench <config.yaml>");
            System.exit(2);
        }
        ConfigParser parser = new ConfigParser();
        Configuration config;
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            config = parser.parseConfiguration(in);
        }
        // The parser is also the registry the proxy finds its filter factories in (MultiTenant).
        try (KafkaProxy proxy = new KafkaProxy(parser, config, Features.defaultFeatures())) {
            proxy.startup();
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // the bench writes nothing: we only wait for end of input
            }
        }
        System.exit(0);
    }
}
