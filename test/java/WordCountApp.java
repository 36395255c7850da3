// A Kafka Streams word count on the streams group protocol (KIP-1071) with exactly_once_v2, for the integration
// tests, driven from vitest (test/harness/java-clients.ts).
// Usage: WordCountApp <bootstrap> <application id> <input topic> <output topic> <state dir>
// Counts the words of the input lines (a repartition topic and a changelog topic, both internal) into the output
// topic as <word, count>. Prints "STATE <state>" on every state change. Runs until its stdin closes (exit 0), or until
// Streams fails (the exception on stderr, exit 1).
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

public final class WordCountApp {
  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: WordCountApp <bootstrap> <application id> <input topic> <output topic> <state dir>");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[4]);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    // Results out soon: the test waits for them.
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);

    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream(args[2])
        .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split("\\W+")))
        .filter((key, word) -> !word.isEmpty())
        .groupBy((key, word) -> word, Grouped.as("words"))
        .count(Materialized.as("counts"))
        .toStream()
        .to(args[3], Produced.with(Serdes.String(), Serdes.Long()));

    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean failed = new AtomicBoolean(false);
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    streams.setStateListener((now, before) -> {
      System.out.println("STATE " + now);
      System.out.flush();
      if (now == KafkaStreams.State.ERROR) {
        failed.set(true);
        done.countDown();
      }
    });
    streams.setUncaughtExceptionHandler(e -> {
      e.printStackTrace();
      failed.set(true);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    Thread stdinWatcher = new Thread(() -> {
      try (InputStream in = System.in) {
        while (in.read() >= 0) {
          // The test closes stdin to stop this app; what it writes means nothing.
        }
      } catch (IOException ignored) {
        // A broken stdin also means stop.
      }
      done.countDown();
    });
    stdinWatcher.setDaemon(true);
    stdinWatcher.start();

    streams.start();
    done.await();
    streams.close(Duration.ofSeconds(30));
    System.exit(failed.get() ? 1 : 0);
  }
}
