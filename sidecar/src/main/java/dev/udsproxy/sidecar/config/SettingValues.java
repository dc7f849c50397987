package dev.udsproxy.sidecar.config;

import dev.udsproxy.contract.Durations;
import dev.udsproxy.contract.Setting;
import dev.udsproxy.contract.SocketPaths;
import dev.udsproxy.contract.WireValue;
import java.time.Duration;
import java.util.Locale;

/**
 * Parsers for the scalar settings: the contract's grammars with the setting named in the error. Flags and env are
 * typed by people, so blanks around a value and the case of a value name do not matter here (the CRD is strict).
 */
final class SettingValues {

    private SettingValues() {
    }

    static Duration parseDuration(Setting setting, String value, boolean zeroAllowed) {
        try {
            return Durations.parse(value.trim(), zeroAllowed);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting, value, e.getMessage());
        }
    }

    static <E extends Enum<E> & WireValue> E parseValue(Setting setting, Class<E> type, String value) {
        try {
            return WireValue.parse(type, value.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting, value, e.getMessage());
        }
    }

    static int parseInt(Setting setting, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new ConfigException(setting, value, "expected a whole number from " + min + " to " + max);
    }

    static void checkSocketPath(Setting setting, String value, String path) {
        try {
            SocketPaths.checkFits(path);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting, value, e.getMessage());
        }
    }
}
