package dev.udsproxy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.udsproxy.operator.customresource.LogFormat;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure decisions behind UDSPROXY_OWNER_DEPLOYMENT and UDSPROXY_LOG_FORMAT. */
class OwnerReferencesTest {
    static final OwnerReference OPERATOR = new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
            .withName("udsproxy-operator").withUid("uid-1").withController(false).withBlockOwnerDeletion(false).build();

    @Test
    void ownerIsAddedOnceAfterOtherOwners() {
        OwnerReference other = new OwnerReferenceBuilder().withKind("ConfigMap").withName("x").withUid("uid-2").build();

        assertThat(OwnerReferences.withOwner(null, OPERATOR)).hasValue(List.of(OPERATOR));
        assertThat(OwnerReferences.withOwner(List.of(other), OPERATOR)).hasValue(List.of(other, OPERATOR));
        assertThat(OwnerReferences.withOwner(List.of(other, OPERATOR), OPERATOR)).as("already owned: no patch").isEmpty();
    }

    @Test
    void logFormatIsTextUnlessJsonAndNothingElse() {
        assertThat(LogFormatConfigSource.parse(null)).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormatConfigSource.parse("")).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormatConfigSource.parse("text")).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormatConfigSource.parse("json")).isEqualTo(LogFormat.JSON);
        assertThat(new LogFormatConfigSource("json").getValue("quarkus.log.console.json.enabled")).isEqualTo("true");
        assertThat(new LogFormatConfigSource(null).getValue("quarkus.log.console.json.enabled")).isEqualTo("false");
        assertThatThrownBy(() -> LogFormatConfigSource.parse("JSON"))
                .hasMessage("invalid UDSPROXY_LOG_FORMAT=\"JSON\": allowed are text and json");
    }
}
