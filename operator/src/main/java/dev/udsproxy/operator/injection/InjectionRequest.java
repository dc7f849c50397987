package dev.udsproxy.operator.injection;

import dev.udsproxy.contract.EgressRoute;
import dev.udsproxy.contract.SocketPaths;
import dev.udsproxy.operator.customresource.ProxyProtocol;
import java.util.List;

/**
 * What a Pod's annotations ask for, validated. Null means "not set": the profile or the
 * Pod's own spec decides later.
 */
public record InjectionRequest(
        Integer port,
        String container,
        String socket,
        List<EgressRoute> egress,
        ProxyProtocol proxyProtocol,
        String profile) {

    public String socketPath() {
        return SocketPaths.appSocket(socket);
    }
}
