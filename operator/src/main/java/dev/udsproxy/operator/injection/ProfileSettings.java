package dev.udsproxy.operator.injection;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.udsproxy.contract.AwaitCommandLine;
import dev.udsproxy.contract.Defaults;
import dev.udsproxy.operator.customresource.AdminShutdown;
import dev.udsproxy.operator.customresource.CatchUpPolicy;
import dev.udsproxy.operator.customresource.LogFormat;
import dev.udsproxy.operator.customresource.NativeSidecarMode;
import dev.udsproxy.operator.customresource.ProxyProtocol;
import dev.udsproxy.operator.customresource.SidecarProfileSpec;
import dev.udsproxy.operator.customresource.SidecarTransport;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A {@code SidecarProfile} with every default filled in: what the mutator renders. The
 * hash covers everything that ends up in a Pod, so a Pod's status annotation tells
 * whether it is outdated, and a new hash on a Pod template rolls the workload.
 */
public record ProfileSettings(
        String name,
        String image,
        String imagePullPolicy,
        ResourceRequirements resources,
        int adminPort,
        int defaultInboundPort,
        String connectTimeout,
        String idleTimeout,
        String drainTimeout,
        String shutdownGrace,
        int appPreStopSleepSeconds,
        ProxyProtocol proxyProtocol,
        NativeSidecarMode nativeSidecar,
        List<String> classicPostStartCommand,
        String socketVolumeSize,
        long socketGroup,
        Long runAsUser,
        AdminShutdown adminShutdown,
        LogFormat logFormat,
        List<String> imagePullSecrets,
        CatchUpPolicy catchUpPolicy,
        // Unset leaves the sidecar's own default in charge; left out of the hash when unset, so profiles written
        // before these fields existed keep their hash (no roll on upgrade).
        @JsonInclude(JsonInclude.Include.NON_NULL) SidecarTransport transport,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer backlog,
        @JsonInclude(JsonInclude.Include.NON_NULL) String seccompLocalhostProfile) {

    /**
     * The app's preStop sleep. kube-proxy on kind dropped a terminating endpoint after ~0.5 s and 3 s lost no request
     * in a rollout; 5 s leaves room for slower endpoint propagation (many nodes, ingress controllers, cloud load
     * balancers), and 5 s + the sidecar's 3 s grace + 20 s drain + 2 s margin is Kubernetes' default 30 s grace
     * period: the default raises no Pod's terminationGracePeriodSeconds.
     */
    static final int DEFAULT_APP_PRE_STOP_SLEEP_SECONDS = 5;

    /** The image when no SidecarProfile exists at all (tagged with the project version); the chart creates a {@code default} profile. */
    public static final String BUILT_IN_IMAGE = "udsproxy/sidecar:" + dev.udsproxy.contract.ProductVersion.VERSION;

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /**
     * The settings of the last spec seen per profile name, and their hash once asked. Every admission, every workload
     * decision and every profile reconcile resolves a profile, and resolving one (defaults, the resources merge, the
     * canonical JSON and SHA-256 of the hash) was a tenth of an admission's CPU in a profile of the webhook under load:
     * with the memo it is done once per version of the profile. Keyed by the spec object itself (identity): the informer's store hands out the
     * same object until the profile changes, and nobody writes to a cached spec. One entry per profile name asked for.
     */
    private static final Map<String, Resolved> RESOLVED = new ConcurrentHashMap<>();

    private static final class Resolved {
        final SidecarProfileSpec spec;
        final ProfileSettings settings;
        volatile String hash;

        Resolved(SidecarProfileSpec spec, ProfileSettings settings) {
            this.spec = spec;
            this.settings = settings;
        }
    }

    public static ProfileSettings from(String name, SidecarProfileSpec spec) {
        Resolved last = RESOLVED.get(name);
        if (last != null && last.spec == spec) {
            return last.settings; // the same version of the profile, or still none (null: the built-in defaults)
        }
        ProfileSettings settings = resolve(name, spec);
        RESOLVED.put(name, new Resolved(spec, settings));
        return settings;
    }

    private static ProfileSettings resolve(String name, SidecarProfileSpec spec) {
        SidecarProfileSpec s = spec == null ? new SidecarProfileSpec() : spec;
        var ports = Optional.ofNullable(s.ports);
        var timeouts = Optional.ofNullable(s.timeouts);
        int admin = ports.map(p -> p.admin).orElse(Defaults.ADMIN_PORT);
        return new ProfileSettings(
                name,
                s.image == null ? BUILT_IN_IMAGE : s.image,
                s.imagePullPolicy == null ? "IfNotPresent" : s.imagePullPolicy,
                ResourceDefaults.merge(defaultResources(), s.resources),
                admin,
                ports.map(p -> p.defaultInbound).orElse(Defaults.LISTEN_PORT),
                timeouts.map(t -> t.connect).orElse(null),
                timeouts.map(t -> t.idle).orElse(null),
                Optional.ofNullable(s.drain).map(d -> d.timeout).orElse(null),
                Optional.ofNullable(s.drain).map(d -> d.shutdownGrace).orElse(null),
                Optional.ofNullable(s.drain).map(d -> d.appPreStopSleepSeconds)
                        .orElse(DEFAULT_APP_PRE_STOP_SLEEP_SECONDS),
                s.proxyProtocol == null ? ProxyProtocol.of(Defaults.PROXY_PROTOCOL) : s.proxyProtocol,
                s.nativeSidecar == null ? NativeSidecarMode.AUTO : s.nativeSidecar,
                s.classicPostStartCommand == null || s.classicPostStartCommand.isEmpty()
                        ? awaitHealthz(admin) : List.copyOf(s.classicPostStartCommand),
                s.socketVolumeSize == null ? "1Mi" : s.socketVolumeSize,
                s.socketGroup == null ? 65532L : s.socketGroup,
                // Null: the sidecar follows the app's user (SidecarUser).
                s.runAsUser,
                s.adminShutdown == null ? AdminShutdown.of(Defaults.ADMIN_SHUTDOWN) : s.adminShutdown,
                s.logFormat == null ? LogFormat.of(Defaults.LOG_FORMAT) : s.logFormat,
                pullSecretNames(s.imagePullSecrets),
                Optional.ofNullable(s.catchUp).map(c -> c.policy).orElse(CatchUpPolicy.REPORT),
                s.transport,
                s.backlog,
                s.seccompLocalhostProfile);
    }

    /** The names, each once, in the profile's order; entries without a name are no reference (the CRD allows them). */
    private static List<String> pullSecretNames(List<LocalObjectReference> secrets) {
        return secrets == null ? List.of() : secrets.stream().filter(Objects::nonNull).map(LocalObjectReference::getName)
                .filter(n -> n != null && !n.isEmpty()).distinct().toList();
    }

    /**
     * Classic mode's postStart hook: the sidecar's own {@code await} subcommand ({@link AwaitCommandLine}), which
     * returns once the admin port answers /healthz with 200, at most 60 s. Exec form with the image's real paths
     * (images/sidecar/Containerfile): the image has no shell. A second JVM in the sidecar's container for a moment,
     * so: C1 only, a tiny heap, no perf-data file (the root file system is read-only).
     */
    static List<String> awaitHealthz(int adminPort) {
        List<String> java = List.of("/opt/java/openjdk/bin/java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx16m", "-XX:-UsePerfData", "-Xshare:auto", "-jar", "/opt/udsproxy/udsproxy-sidecar.jar");
        return Stream.concat(java.stream(), AwaitCommandLine.args(adminPort).stream()).toList();
    }

    /**
     * The request is about the steady state (~61-68 MiB after the JIT's burst; peaks of 72-99 MiB measured under
     * load are short); the limit covers everything its JVM flags allow (sidecar jvm.options: heap + direct + metaspace +
     * code cache = 216 MiB, plus 40 MiB native), so the kernel cannot OOM-kill it under load.
     */
    private static ResourceRequirements defaultResources() {
        return new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("20m"))
                .addToRequests("memory", new Quantity("64Mi"))
                .addToLimits("memory", new Quantity("256Mi"))
                .build();
    }

    /** Short SHA-256 of what the sidecar looks like; the name and the catch-up policy do not change a Pod. */
    @JsonIgnore
    public String hash() {
        Resolved resolved = RESOLVED.get(name);
        if (resolved != null && resolved.settings == this) {
            String hash = resolved.hash;
            if (hash == null) {
                resolved.hash = hash = computeHash();
            }
            return hash;
        }
        return computeHash();
    }

    private String computeHash() {
        try {
            var copy = new ProfileSettings("", image, imagePullPolicy, resources, adminPort, defaultInboundPort,
                    connectTimeout, idleTimeout, drainTimeout, shutdownGrace, appPreStopSleepSeconds, proxyProtocol,
                    nativeSidecar,
                    classicPostStartCommand, socketVolumeSize, socketGroup, runAsUser, adminShutdown, logFormat,
                    imagePullSecrets, CatchUpPolicy.REPORT, transport, backlog,
                    seccompLocalhostProfile);
            byte[] json = CANONICAL.writeValueAsBytes(copy);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash profile " + name, e);
        }
    }

    public boolean nativeSidecarOn(boolean clusterSupportsNative) {
        return switch (nativeSidecar) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> clusterSupportsNative;
        };
    }

}
