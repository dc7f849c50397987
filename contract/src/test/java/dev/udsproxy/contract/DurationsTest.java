package dev.udsproxy.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "5s, PT5S", "1m, PT1M", "1h, PT1H", "0s, PT0S", "000000007s, PT7S"})
    void everyUnitOfTheGrammar(String value, Duration expected) {
        assertThat(Durations.parse(value, true)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5 s", " 5s", "5S", "1d", "1.5s", "-1s", "1234567890s", "", "s", "5sec"})
    void anythingElseIsRefusedSayingWhatIsAllowed(String value) {
        assertThatThrownBy(() -> Durations.parse(value, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a whole number with unit ms, s, m or h, e.g. 500ms or 5s (0s disables it)");
    }

    @Test
    void zeroIsRefusedWhereItWouldNeverWait() {
        assertThatThrownBy(() -> Durations.parse("0ms", false))
                .hasMessage("expected a whole number with unit ms, s, m or h, e.g. 500ms or 5s, greater than zero");
        assertThatThrownBy(() -> Durations.parse(null, false)).hasMessageContaining("greater than zero");
    }

    @Test
    void theLargestValueCountsAsTenYearsAndDoesNotOverflow() {
        Duration d = Durations.parse("999999999h", false);
        assertThat(d).isEqualTo(Durations.MAX).isEqualTo(Duration.ofDays(3650));
        assertThat(d.toNanos()).isPositive();
    }

    /** The CRD's patterns are the parser's grammar: what they admit parses; the positive one admits no zero. */
    @ParameterizedTest
    @ValueSource(strings = {"0s", "1ms", "999999999h", "10m", "05s", "0000ms"})
    void whatTheCrdPatternsAdmitTheParserAccepts(String value) {
        assertThat(value.matches(Durations.PATTERN)).isTrue();
        assertThat(Durations.parse(value, true)).isNotNull();
        if (value.matches(Durations.POSITIVE_PATTERN)) {
            assertThat(Durations.parse(value, false)).isPositive();
        } else {
            assertThat(value).startsWith("0");
        }
    }
}
