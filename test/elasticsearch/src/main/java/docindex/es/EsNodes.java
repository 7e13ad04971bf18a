package docindex.es;

import org.elasticsearch.action.admin.cluster.health.ClusterHealthResponse;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.transport.TransportAddress;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.http.HttpServerTransport;
import org.elasticsearch.node.ClasspathPluginsNode;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Starts N real Elasticsearch nodes (the server jar from Maven Central) in this JVM on 127.0.0.1.
 *
 * <pre>
 * java -cp ... docindex.es.EsNodes --home DIR --http-ports 9200,9201,9202 --transport-ports 9300,9301,9302
 *      [--cluster-name NAME] [--timeout-seconds 120] [--keep-running]
 * </pre>
 *
 * Protocol on stdout (one line each; Elasticsearch's own log lines start with "["):
 *   READY http://127.0.0.1:P0,http://127.0.0.1:P1,...   once the cluster is green
 *   STOPPED K                                            after the command "stop K" (0-based) on stdin
 *   ERROR message                                        on a failed command or start-up (then exit 1)
 * The JVM stops all nodes and exits when stdin closes, on the command "exit", or on SIGTERM.
 * With --keep-running it ignores stdin and runs until SIGTERM or Ctrl-C.
 */
public final class EsNodes {
    private static final PrintStream OUT = System.out;
    private static final List<Node> NODES = new ArrayList<>();
    private static final AtomicBoolean CLOSING = new AtomicBoolean();

    private EsNodes() {}

    public static void main(String[] args) throws Exception {
        String clusterName = "docindex-test";
        Path home = null;
        List<Integer> httpPorts = List.of(9200);
        List<Integer> transportPorts = List.of(9300);
        long timeoutSeconds = 120;
        boolean keepRunning = false;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--cluster-name" -> { clusterName = value; i++; }
                case "--home" -> { home = Path.of(value).toAbsolutePath(); i++; }
                case "--http-ports" -> { httpPorts = ports(value); i++; }
                case "--transport-ports" -> { transportPorts = ports(value); i++; }
                case "--timeout-seconds" -> { timeoutSeconds = Long.parseLong(value); i++; }
                case "--keep-running" -> keepRunning = true;
                default -> fail("unknown argument " + args[i]);
            }
        }
        if (home == null) fail("--home is required");
        if (httpPorts.size() != transportPorts.size()) fail("--http-ports and --transport-ports differ in length");
        int count = httpPorts.size();

        Files.createDirectories(home.resolve("config"));
        LogConfigurator.configureESLogging();
        LogConfigurator.configureWithoutConfig(Settings.builder().put("logger.level", "INFO").build());
        LogConfigurator.setClusterName(clusterName);

        Runtime.getRuntime().addShutdownHook(new Thread(EsNodes::closeAll, "es-nodes-shutdown"));

        List<Class<? extends Plugin>> plugins = List.of(Netty4Plugin.class, EnglishAnalysisPlugin.class, RootPlugin.class);
        String seeds = transportPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) names.add("node-" + i);

        for (int i = 0; i < count; i++) {
            Settings.Builder s = Settings.builder()
                .put("cluster.name", clusterName)
                .put("node.name", names.get(i))
                .put("path.home", home.toString())
                .put("path.data", home.resolve(names.get(i)).resolve("data").toString())
                .put("path.logs", home.resolve(names.get(i)).resolve("logs").toString())
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPorts.get(i))
                .put("transport.port", transportPorts.get(i))
                // All nodes share one heap: the real-memory parent breaker would count the whole JVM for each node.
                .put("indices.breaker.total.use_real_memory", false)
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.destructive_requires_name", false);
            if (count == 1) {
                s.put("discovery.type", "single-node");
            } else {
                s.putList("discovery.seed_hosts", seeds.split(","));
                s.putList("cluster.initial_master_nodes", names);
            }
            NODES.add(new ClasspathPluginsNode(s.build(), plugins));
        }

        // Start in parallel: with several master-eligible nodes each start() waits for an elected master.
        List<Thread> starters = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (Node node : NODES) {
            Thread t = new Thread(() -> {
                try {
                    node.start();
                } catch (Throwable e) {
                    synchronized (failures) { failures.add(e); }
                }
            }, "start-" + node.settings().get("node.name"));
            t.start();
            starters.add(t);
        }
        for (Thread t : starters) t.join();
        if (!failures.isEmpty()) {
            failures.get(0).printStackTrace();
            fail("node start failed: " + failures.get(0));
        }

        ClusterHealthResponse health = NODES.get(0).client().admin().cluster()
            .prepareHealth(TimeValue.timeValueSeconds(timeoutSeconds))
            .setWaitForNodes(Integer.toString(count))
            .setWaitForGreenStatus()
            .setTimeout(TimeValue.timeValueSeconds(timeoutSeconds))
            .get();
        if (health.isTimedOut()) fail("cluster not green after " + timeoutSeconds + "s: " + health.getStatus());

        List<String> urls = new ArrayList<>();
        for (Node node : NODES) {
            TransportAddress address = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress();
            urls.add("http://" + address.getAddress() + ":" + address.getPort());
        }
        protocol("READY " + String.join(",", urls));
        if (keepRunning) {
            // Foreground use (start-node.sh): no stdin commands; SIGTERM or Ctrl-C stops the nodes.
            new java.util.concurrent.CountDownLatch(1).await();
        }

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals("stop")) {
                try {
                    int index = Integer.parseInt(parts[1]);
                    Node node = NODES.get(index);
                    if (!node.isClosed()) {
                        node.close();
                        node.awaitClose(30, TimeUnit.SECONDS);
                    }
                    protocol("STOPPED " + index);
                } catch (Exception e) {
                    protocol("ERROR stop " + parts[1] + ": " + e);
                }
            } else if (parts.length == 1 && parts[0].equals("exit")) {
                break;
            } else if (!line.isBlank()) {
                protocol("ERROR unknown command: " + line.trim());
            }
        }
        closeAll();
        System.exit(0);
    }

    private static List<Integer> ports(String csv) {
        List<Integer> result = new ArrayList<>();
        for (String p : csv.split(",")) result.add(Integer.parseInt(p.trim()));
        return result;
    }

    private static synchronized void protocol(String line) {
        OUT.println(line);
        OUT.flush();
    }

    private static void fail(String message) {
        protocol("ERROR " + message.replace('\n', ' '));
        closeAll();
        System.exit(1);
    }

    private static void closeAll() {
        if (!CLOSING.compareAndSet(false, true)) return;
        for (Node node : NODES) {
            try {
                if (!node.isClosed()) node.close();
            } catch (Throwable ignored) {
                // best effort
            }
        }
        for (Node node : NODES) {
            try {
                node.awaitClose(10, TimeUnit.SECONDS);
            } catch (Throwable ignored) {
                // best effort
            }
        }
    }
}
