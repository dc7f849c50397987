package dev.udsproxy.operator.customresource;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Cluster-wide defaults for the injected sidecar. A Pod names one with
 * {@code udsproxy.dev/profile}; without it the profile called {@code default} applies.
 * Cluster-scoped (no {@code Namespaced}) because the webhook serves every namespace.
 */
@Group("udsproxy.dev")
@Version("v1alpha1")
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.image", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".status.sidecarMode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Injected", jsonPath = ".status.injectedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Outdated", jsonPath = ".status.outdatedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Missing", jsonPath = ".status.missingPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Outdated-Workloads", jsonPath = ".status.outdatedWorkloads", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SidecarProfile extends CustomResource<SidecarProfileSpec, SidecarProfileStatus> {

    /** The profile a Pod gets when it names none. */
    public static final String DEFAULT_NAME = "default";

    @Override
    protected SidecarProfileSpec initSpec() {
        return new SidecarProfileSpec();
    }

    @Override
    protected SidecarProfileStatus initStatus() {
        return new SidecarProfileStatus();
    }
}
