package dev.udsproxy.sidecar;

import static dev.udsproxy.sidecar.ProcessIT.launcher;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/udsproxy-sidecar passes the AOT cache next to the jar only when it is newer than the jar: a cache made
 * for an older jar is rejected by the JVM with "[error][aot] Unable to map shared spaces" at every start.
 * The cache here is not a valid one on purpose, so the JVM's complaint shows whether the launcher passed it.
 */
class LauncherAotIT {
    @TempDir
    Path dir;

    @Test
    void aCacheOlderThanTheJarIsLeftAlone() throws Exception {
        Path jar = jarWithCache(Instant.now().minusSeconds(3600), Instant.now());
        String out = version(jar);
        assertThat(out).contains("udsproxy-sidecar 0.1.0").doesNotContain("[aot]");
    }

    @Test
    void aCacheNewerThanTheJarIsPassedToTheJvm() throws Exception {
        Path jar = jarWithCache(Instant.now(), Instant.now().minusSeconds(3600));
        String out = version(jar);
        assertThat(out).as("the JVM read the (invalid) cache, so the launcher passed it").contains("[aot]");
    }

    private Path jarWithCache(Instant cacheTime, Instant jarTime) throws Exception {
        Path jar = dir.resolve("udsproxy-sidecar.jar");
        Files.copy(Path.of(System.getProperty("udsproxy.jar", "target/udsproxy-sidecar.jar")), jar);
        Path aot = dir.resolve("udsproxy-sidecar.aot");
        Files.writeString(aot, "not an AOT cache");
        Files.setLastModifiedTime(aot, FileTime.from(cacheTime));
        Files.setLastModifiedTime(jar, FileTime.from(jarTime));
        return jar;
    }

    private static String version(Path jar) throws Exception {
        Process p = launcher(Map.of("UDSPROXY_JAR", jar.toString()), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
