package dev.udsproxy.operator.injection;

import dev.udsproxy.contract.EgressRoute;
import dev.udsproxy.contract.Setting;
import java.util.Locale;

/** The env the app container gets: where to listen, and where each egress route's socket is (docs/design.md). */
public final class AppEnv {
    /** The path the app listens on. */
    public static final String SOCKET = Setting.ENV_PREFIX + "SOCKET";

    private AppEnv() {
    }

    /**
     * {@code UDSPROXY_EGRESS_<NAME>}, {@code -} as {@code _}: one variable per route, since the contract's route names
     * have no {@code _} of their own.
     */
    public static String egress(EgressRoute route) {
        return Setting.EGRESS.env() + "_" + route.name().toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
