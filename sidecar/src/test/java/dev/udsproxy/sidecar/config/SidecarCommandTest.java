package dev.udsproxy.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.udsproxy.contract.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every setting of the contract is an option of the sidecar, under its flag, falling back to its env and then to its
 * default: what the operator writes into a Pod's env is what the sidecar reads.
 */
class SidecarCommandTest {

    @Test
    void withNothingGivenEverySettingIsItsEnvElseItsDefault() {
        SidecarCommand command = new SidecarCommand();
        new CommandLine(command.spec()).parseArgs();

        Map<Setting, String> raw = command.rawValues();

        assertThat(raw).containsOnlyKeys(Setting.values());
        for (Setting setting : Setting.values()) {
            assertThat(raw.get(setting)).as(setting.flag())
                    .isEqualTo(System.getenv().getOrDefault(setting.env(), setting.defaultValue()));
        }
    }

    @Test
    void everySettingIsReadFromItsFlag() {
        List<String> args = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            args.add(setting.flag() + "=given-" + setting.name());
        }
        SidecarCommand command = new SidecarCommand();
        new CommandLine(command.spec()).parseArgs(args.toArray(String[]::new));

        command.rawValues().forEach((setting, value) -> assertThat(value).isEqualTo("given-" + setting.name()));
    }

    @Test
    void theHelpNamesEveryEnv() {
        String usage = new CommandLine(new SidecarCommand().spec()).getUsageMessage();
        for (Setting setting : Setting.values()) {
            assertThat(usage).contains("(" + setting.env() + ")").contains(setting.flag() + "=");
        }
    }
}
