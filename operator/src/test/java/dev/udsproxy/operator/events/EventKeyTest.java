package dev.udsproxy.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import org.junit.jupiter.api.Test;

class EventKeyTest {
    private static final String DNS_SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

    static ObjectReference replicaSet(String name, String uid) {
        return new ObjectReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet").withNamespace("shop")
                .withName(name).withUid(uid).build();
    }

    @Test
    void thePodsOfOneOwnerAddToOneEventPerReason() {
        var injected = new EventKey("shop", replicaSet("web-5d4f", "u1"), "Injected");
        assertThat(new EventKey("shop", replicaSet("web-5d4f", "u1"), "Injected").name()).isEqualTo(injected.name());
        assertThat(injected.name()).startsWith("web-5d4f.").matches(DNS_SUBDOMAIN);
        assertThat(new EventKey("shop", replicaSet("web-5d4f", "u1"), "InjectionRefused").name())
                .isNotEqualTo(injected.name());
        assertThat(new EventKey("shop", replicaSet("web-5d4f", "u2"), "Injected").name())
                .as("a ReplicaSet of the same name recreated is another object").isNotEqualTo(injected.name());
    }

    @Test
    void everyNameIsAValidObjectName() {
        var unnamedPod = new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace("shop")
                .withName("web-*").build();
        assertThat(new EventKey("shop", unnamedPod, "Injected").name()).matches(DNS_SUBDOMAIN);
        String longest = new EventKey("shop", replicaSet("a".repeat(253), "u1"), "Injected").name();
        assertThat(longest).hasSizeLessThanOrEqualTo(253).matches(DNS_SUBDOMAIN);
    }
}
