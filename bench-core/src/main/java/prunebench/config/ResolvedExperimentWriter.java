package prunebench.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import prunebench.util.AtomicFiles;

/**
 * The fully resolved experiment, every default written out, as YAML in the user's own keys ({@link Settings#tree}):
 * what a run actually used, kept next to its results. {@link ExperimentLoader} reads it back to an equal
 * {@link ExperimentSpec}.
 *
 * <p>A results folder keeps every invocation's settings: each distinct file is kept as
 * {@code resolved-experiment-<hash>.yaml} (the first 8 hex digits of the SHA-256 of its text), and
 * {@code resolved-experiment.yaml} holds the latest. A plain file from before this naming is kept under its hash
 * before it is replaced, so no settings are ever overwritten.
 */
public final class ResolvedExperimentWriter {
    public static final String FILE_NAME = "resolved-experiment.yaml";
    public static final String PREFIX = "resolved-experiment-";
    static final String HEADER =
            "# Resolved experiment: every default filled in. prunebench reads this file like any other.\n";

    private ResolvedExperimentWriter() {}

    /**
     * Writes {@code dir/resolved-experiment-<hash>.yaml} (once) and {@code dir/resolved-experiment.yaml} (the latest),
     * creating {@code dir}; returns the latter.
     */
    public static Path write(ExperimentSpec spec, Path dir) throws IOException {
        Files.createDirectories(dir);
        String yaml = toYaml(spec);
        Path latest = dir.resolve(FILE_NAME);
        if (Files.isRegularFile(latest)) {
            keep(dir, Files.readString(latest));
        }
        keep(dir, yaml);
        AtomicFiles.writeString(latest, yaml);
        return latest;
    }

    /** {@code resolved-experiment-<hash>.yaml} for a file's text. */
    public static String keptName(String yaml) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest).substring(0, 8) + ".yaml";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void keep(Path dir, String yaml) throws IOException {
        Path kept = dir.resolve(keptName(yaml));
        if (!Files.isRegularFile(kept)) {
            AtomicFiles.writeString(kept, yaml);
        }
    }

    public static String toYaml(ExperimentSpec spec) {
        return toYaml(spec, HEADER);
    }

    /** The experiment as YAML after {@code header} (comment lines, each ending in a newline). */
    public static String toYaml(ExperimentSpec spec, String header) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.AUTO); // maps and lists of scalars on one line
        options.setWidth(120);
        return header + new Yaml(options).dump(Settings.tree(spec));
    }
}
