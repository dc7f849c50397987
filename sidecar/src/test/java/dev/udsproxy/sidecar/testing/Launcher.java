package dev.udsproxy.sidecar.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** bin/udsproxy-sidecar with the jar this build made, this JVM's java and no UDSPROXY_ env from outside. */
public final class Launcher {
    private static final Path LAUNCHER = Path.of("bin/udsproxy-sidecar").toAbsolutePath();

    private Launcher() {
    }

    public static ProcessBuilder launcher(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("UDSPROXY_"));
        pb.environment().put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
        pb.environment().put("UDSPROXY_JAR", System.getProperty("udsproxy.jar", "target/udsproxy-sidecar.jar"));
        pb.environment().put("UDSPROXY_TRANSPORT", RunningSidecar.itTransport());
        pb.environment().putAll(env);
        return pb;
    }
}
