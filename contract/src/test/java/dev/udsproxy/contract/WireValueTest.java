package dev.udsproxy.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WireValueTest {

    @Test
    void everyValueSetReadsItsOwnNames() {
        readsItsOwnNames(ProxyProtocol.class);
        readsItsOwnNames(Transport.class);
        readsItsOwnNames(AdminShutdown.class);
        readsItsOwnNames(LogFormat.class);
    }

    private static <E extends Enum<E> & WireValue> void readsItsOwnNames(Class<E> type) {
        for (E value : type.getEnumConstants()) {
            assertThat(WireValue.parse(type, value.wireName())).isSameAs(value);
        }
    }

    @Test
    void aValueOutsideTheSetNamesTheAllowedOnes() {
        assertThatThrownBy(() -> ProxyProtocol.parse("v3")).hasMessage("expected off, v1 or v2");
        assertThatThrownBy(() -> Transport.parse("uring")).hasMessage("expected auto, io_uring, epoll or nio");
        assertThatThrownBy(() -> AdminShutdown.parse("anyone")).hasMessage("expected loopback or off");
        assertThatThrownBy(() -> LogFormat.parse("logfmt")).hasMessage("expected text or json");
    }

    @Test
    void caseMattersAsInTheCrd() {
        assertThatThrownBy(() -> ProxyProtocol.parse("V1")).hasMessage("expected off, v1 or v2");
    }

    @Test
    void theNamesForAnnotationsAreTheWireNames() {
        assertThat(ProxyProtocol.V2.wireName()).isEqualTo(ProxyProtocol.Names.V2).isEqualTo("v2");
        assertThat(Transport.IO_URING.wireName()).isEqualTo(Transport.Names.IO_URING).isEqualTo("io_uring");
    }
}
