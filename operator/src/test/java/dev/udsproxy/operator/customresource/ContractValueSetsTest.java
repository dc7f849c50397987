package dev.udsproxy.operator.customresource;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.udsproxy.contract.WireValue;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The CRD's enums are the contract's value sets: one constant per value, serialized under its wire name. */
class ContractValueSetsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void proxyProtocol() throws Exception {
        sameSet(dev.udsproxy.contract.ProxyProtocol.class, ProxyProtocol.class, ProxyProtocol::of, ProxyProtocol::wireName);
    }

    @Test
    void transport() throws Exception {
        sameSet(dev.udsproxy.contract.Transport.class, SidecarTransport.class, SidecarTransport::of,
                SidecarTransport::wireName);
    }

    @Test
    void adminShutdown() throws Exception {
        sameSet(dev.udsproxy.contract.AdminShutdown.class, AdminShutdown.class, AdminShutdown::of,
                AdminShutdown::wireName);
    }

    @Test
    void logFormat() throws Exception {
        sameSet(dev.udsproxy.contract.LogFormat.class, LogFormat.class, LogFormat::of, LogFormat::wireName);
    }

    private static <C extends Enum<C> & WireValue, O extends Enum<O>> void sameSet(Class<C> contract, Class<O> crd,
            Function<C, O> of, Function<O, String> wireName) throws Exception {
        assertThat(Arrays.stream(contract.getEnumConstants()).map(of).distinct())
                .containsExactly(crd.getEnumConstants());
        for (C value : contract.getEnumConstants()) {
            O mapped = of.apply(value);
            assertThat(wireName.apply(mapped)).isEqualTo(value.wireName());
            assertThat(JSON.writeValueAsString(mapped)).isEqualTo("\"" + value.wireName() + "\"");
            assertThat(JSON.readValue("\"" + value.wireName() + "\"", crd)).isSameAs(mapped);
        }
    }
}
