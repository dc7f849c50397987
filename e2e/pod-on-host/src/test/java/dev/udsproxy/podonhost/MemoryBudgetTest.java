package dev.udsproxy.podonhost;

import static dev.udsproxy.podonhost.InjectedExamplePodIT.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import dev.udsproxy.operator.injection.ProfileSettings;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The operator's default memory limit holds everything the sidecar's JVM flags allow it to take, so the kernel
 * cannot OOM-kill the sidecar under load: heap, direct buffers, metaspace and code cache at their caps, plus
 * the JVM's own native memory.
 */
class MemoryBudgetTest {
    /**
     * The JVM's memory outside the four caps, from NMT of the sidecar (1,000 connections): C2 compile arenas
     * (>8 MiB per hot Netty method, up to ~20 MiB in a burst), CDS archive ~14 MiB, symbols ~2.4, internal ~1.2,
     * threads ~1; and the classic-mode await hook's short second JVM at start, when the heap is still small.
     */
    static final long NATIVE_ALLOWANCE_MIB = 40;

    @Test
    void theDefaultLimitCoversEveryCapOfJvmOptions() throws Exception {
        String options = Files.readString(REPO.resolve("sidecar/src/main/jvm/jvm.options"));
        long caps = mib(options, "-Xmx") + mib(options, "-XX:MaxDirectMemorySize=")
                + mib(options, "-XX:MaxMetaspaceSize=") + mib(options, "-XX:ReservedCodeCacheSize=");
        Quantity limit = ProfileSettings.from("default", new SidecarProfileSpec()).resources().getLimits().get("memory");

        assertThat(Quantity.getAmountInBytes(limit).longValueExact() >> 20)
                .as("default sidecar memory limit %s against the caps of jvm.options (%d MiB) + native %d MiB",
                        limit, caps, NATIVE_ALLOWANCE_MIB)
                .isGreaterThanOrEqualTo(caps + NATIVE_ALLOWANCE_MIB);
    }

    private static long mib(String options, String flag) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(flag) + "(\\d+)([mMgG])\\s*$").matcher(options);
        assertThat(m.find()).as("%s<n>m in jvm.options: without it the JVM picks a size from the limit", flag)
                .isTrue();
        long n = Long.parseLong(m.group(1));
        return m.group(2).equalsIgnoreCase("g") ? n * 1024 : n;
    }
}
