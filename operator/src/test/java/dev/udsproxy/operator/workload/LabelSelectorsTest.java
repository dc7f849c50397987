package dev.udsproxy.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {
    static LabelSelector selector(String operator, String key, String... values) {
        return new LabelSelectorBuilder().addToMatchLabels("app", "web").addNewMatchExpression().withKey(key)
                .withOperator(operator).withValues(values).endMatchExpression().build();
    }

    @Test
    void matchesAsTheApiServerDoes() {
        var labels = Map.of("app", "web", "tier", "front");
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder().addToMatchLabels("app", "web").build(), labels))
                .isTrue();
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder().addToMatchLabels("app", "db").build(), labels))
                .isFalse();
        assertThat(LabelSelectors.matches(selector("In", "tier", "front", "back"), labels)).isTrue();
        assertThat(LabelSelectors.matches(selector("NotIn", "tier", "front"), labels)).isFalse();
        assertThat(LabelSelectors.matches(selector("NotIn", "zone", "a"), labels)).as("absent key").isTrue();
        assertThat(LabelSelectors.matches(selector("Exists", "tier"), labels)).isTrue();
        assertThat(LabelSelectors.matches(selector("DoesNotExist", "tier"), labels)).isFalse();
        assertThat(LabelSelectors.matches(null, labels)).as("no selector selects nothing").isFalse();
    }

    @Test
    void anUnknownOperatorIsNamed() {
        assertThatThrownBy(() -> LabelSelectors.matches(selector("Near", "tier", "front"), Map.of("app", "web")))
                .hasMessageContaining("Near").hasMessageContaining("allowed are In, NotIn, Exists, DoesNotExist");
    }
}
