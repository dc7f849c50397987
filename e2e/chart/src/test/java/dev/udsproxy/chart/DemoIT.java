package dev.udsproxy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** demo/run.sh, shortened: the app, the sidecar and the load generator really run and fill the table. */
class DemoIT {

    static final Pattern ROW = Pattern.compile("\\| (app over TCP|through udsproxy|app over UDS) +\\| +([0-9.]+) \\|"
            + " +([0-9.]+) \\| +([0-9]+) \\|");

    @Test
    void demoPrintsATableWithTrafficOnEveryPath() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", Repo.root().resolve("demo/run.sh").toString())
                .redirectErrorStream(true);
        builder.environment().putAll(Map.of("DEMO_WARMUP", "0.5", "DEMO_DURATION", "1",
                "DEMO_PROXY_PORT", String.valueOf(OperatorProcess.freePort()),
                "DEMO_APP_PORT", String.valueOf(OperatorProcess.freePort()),
                "DEMO_ADMIN_PORT", String.valueOf(OperatorProcess.freePort())));
        Process demo = builder.start();
        assertThat(demo.waitFor(180, TimeUnit.SECONDS)).as("demo finished within 180 s").isTrue();
        String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(demo.exitValue()).as("demo/run.sh output:%n%s", output).isZero();
        Matcher rows = ROW.matcher(output);
        int count = 0;
        while (rows.find()) {
            count++;
            assertThat(Double.parseDouble(rows.group(2))).as("p50 of %s", rows.group(1)).isPositive();
            assertThat(Double.parseDouble(rows.group(3))).as("p99 of %s", rows.group(1))
                    .isGreaterThanOrEqualTo(Double.parseDouble(rows.group(2)));
            assertThat(Long.parseLong(rows.group(4))).as("req/s of %s", rows.group(1)).isPositive();
        }
        assertThat(count).as("rows in:%n%s", output).isEqualTo(3);
        assertThat(output).contains("sidecar peak RSS:");
    }
}
