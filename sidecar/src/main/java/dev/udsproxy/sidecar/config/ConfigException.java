package dev.udsproxy.sidecar.config;

import dev.udsproxy.contract.Setting;

/** A setting has a value we cannot run with; the message names the setting, the value and what is allowed. */
public final class ConfigException extends RuntimeException {
    public ConfigException(Setting setting, String value, String allowed) {
        super("invalid " + setting.flag() + " (env " + setting.env() + ") value \"" + value + "\": " + allowed);
    }
}
