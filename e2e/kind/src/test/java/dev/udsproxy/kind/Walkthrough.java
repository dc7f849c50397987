package dev.udsproxy.kind;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

/**
 * The README's "Install on kind" walkthrough, run verbatim: block 1 installs the product, block 2
 * opts the Java example in and calls it. Only the first command of block 1 ({@code kind create
 * cluster}) is the tier's own: the cluster is created with the node image built here
 * ({@link KindCluster}), under the same name.
 */
final class Walkthrough {

    static final String CREATE_CLUSTER = "kind create cluster --name " + ClusterEnvironment.CLUSTER;

    private final Shell shell;
    private final List<List<Readme.Step>> blocks;

    private Walkthrough(Shell shell) {
        this.shell = shell;
        this.blocks = Readme.blocks(ClusterEnvironment.repo().resolve("README.md"));
        assertThat(blocks).as("README.md marks its install and first-use blocks with %s", Readme.MARKER).hasSize(2);
    }

    static Walkthrough install(Shell shell) {
        Walkthrough w = new Walkthrough(shell);
        List<Readme.Step> install = w.blocks.get(0);
        assertThat(install.get(0).command()).as("the README's install block starts by creating the cluster")
                .startsWith(CREATE_CLUSTER);
        w.run(install.subList(1, install.size()));
        return w;
    }

    /** Block 2: opt the Java example in and call it through its Service from another Pod. */
    void firstUse() {
        run(blocks.get(1));
    }

    private void run(List<Readme.Step> steps) {
        for (Readme.Step step : steps) {
            long started = System.nanoTime();
            Shell.Result result = shell.run(step.command(), Duration.ofMinutes(15));
            double secs = (System.nanoTime() - started) / 1e9;
            System.out.printf("kind e2e: README: %s (exit %d, %.1f s)%n", step.command(), result.exitCode(), secs);
            assertThat(result.exitCode()).as("README command failed: %s%n%s", step.command(), result.output()).isZero();
            for (String expected : step.expectedOutput()) {
                assertThat(result.output()).as("README says `%s` prints", step.command()).contains(expected);
            }
        }
    }
}
