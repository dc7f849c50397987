package dev.udsproxy.operator.customresource;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    static final String EARLIER = "2026-01-01T10:00:00Z";
    static final String NOW = "2026-01-01T10:05:00Z";

    static Condition ready(String status, String message, String time) {
        return new ConditionBuilder().withType("Ready").withStatus(status).withReason("R").withMessage(message)
                .withObservedGeneration(2L).withLastTransitionTime(time).build();
    }

    @Test
    void theSameStatusKeepsTheTimeOfItsLastChangeAndTakesTheNewMessage() {
        Condition next = Conditions.carryTransitionTime(List.of(ready("True", "3 injected", EARLIER)),
                ready("True", "4 injected", NOW));

        assertThat(next.getLastTransitionTime()).isEqualTo(EARLIER);
        assertThat(next.getMessage()).isEqualTo("4 injected");
        assertThat(next.getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void aChangedStatusTakesTheNewTime() {
        Condition next = Conditions.carryTransitionTime(List.of(ready("True", "3 injected", EARLIER)),
                ready("False", "1 without the sidecar", NOW));

        assertThat(next.getLastTransitionTime()).isEqualTo(NOW);
    }

    @Test
    void aNewConditionTypeOrNoPreviousStatusTakesTheNewTime() {
        Condition other = new ConditionBuilder(ready("True", "", EARLIER)).withType("Progressing").build();

        assertThat(Conditions.carryTransitionTime(List.of(other), ready("True", "", NOW)).getLastTransitionTime())
                .isEqualTo(NOW);
        assertThat(Conditions.carryTransitionTime(null, ready("True", "", NOW)).getLastTransitionTime()).isEqualTo(NOW);
        assertThat(Conditions.carryTransitionTime(List.of(), ready("True", "", NOW)).getLastTransitionTime())
                .isEqualTo(NOW);
    }
}
