package dev.udsproxy.sidecar.config;

/**
 * Whether, and in which version, a PROXY protocol header precedes the client's bytes on the app's socket. The
 * data path's own type; the names and the grammar are the contract's ({@link dev.udsproxy.contract.ProxyProtocol}).
 */
public enum ProxyProtocol {
    OFF, V1, V2;

    /** Exhaustive: a value the contract gains fails this compile until the data path handles it. */
    static ProxyProtocol of(dev.udsproxy.contract.ProxyProtocol value) {
        return switch (value) {
            case OFF -> OFF;
            case V1 -> V1;
            case V2 -> V2;
        };
    }
}
