// A KafkaShareConsumer (KIP-932) for the integration tests, driven from vitest (test/harness/java-clients.ts).
// Usage: ShareConsumerClient <bootstrap> <group> <topic>
// Prints "RECORD <partition> <offset> <value>" for each record it receives, acknowledges each one explicitly
// (ACCEPT) and commits the acknowledgements before the next poll; "COMMITTED <n>" after each commit.
// Runs until its stdin closes, then leaves the group and exits 0. Any error: printed to stderr, exit 1.
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

public final class ShareConsumerClient {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: ShareConsumerClient <bootstrap> <group> <topic>");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    // Explicit: a record counts as delivered only once this client has accepted it.
    props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");

    AtomicBoolean stop = new AtomicBoolean(false);
    Thread stdinWatcher = new Thread(() -> {
      try (InputStream in = System.in) {
        while (in.read() >= 0) {
          // The test closes stdin to stop this client; what it writes means nothing.
        }
      } catch (IOException ignored) {
        // A broken stdin also means stop.
      }
      stop.set(true);
    });
    stdinWatcher.setDaemon(true);
    stdinWatcher.start();

    try (KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(props)) {
      consumer.subscribe(List.of(args[2]));
      System.out.println("SUBSCRIBED");
      System.out.flush();
      while (!stop.get()) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) continue;
        for (ConsumerRecord<String, String> record : records) {
          System.out.println("RECORD " + record.partition() + " " + record.offset() + " " + record.value());
          consumer.acknowledge(record, AcknowledgeType.ACCEPT);
        }
        Map<TopicIdPartition, Optional<KafkaException>> results = consumer.commitSync(Duration.ofSeconds(30));
        for (Map.Entry<TopicIdPartition, Optional<KafkaException>> result : results.entrySet()) {
          if (result.getValue().isPresent()) throw result.getValue().get();
        }
        System.out.println("COMMITTED " + records.count());
        System.out.flush();
      }
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }
}
