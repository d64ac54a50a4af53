package prunebench.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.yaml.snakeyaml.nodes.Node;
import prunebench.data.DatasetRegistry;
import prunebench.model.ModelRegistry;
import prunebench.prune.StrategyRegistry;

/**
 * Reads an experiment file into a validated {@link ExperimentSpec} with every default filled in, before anything
 * is trained. Every problem is a {@link ConfigException} whose message names the file and line (or the
 * {@code --set} expression), the key path and what was expected, e.g.
 * {@code experiments/x.yaml:12: pretrain.optimizer.lr: must be a positive number, got -0.1}.
 */
public final class ExperimentLoader {
    private final ExperimentReader reader;

    /** Model, dataset and strategy names are checked against these registries; {@code report:} is kept raw. */
    public ExperimentLoader(ModelRegistry models, DatasetRegistry datasets, StrategyRegistry strategies) {
        this(models, datasets, strategies, report -> { });
    }

    /**
     * Also checks the raw {@code report:} section (when present) with {@code reportCheck}, which the report module
     * owns: its {@link ConfigException}s start with the key path ({@code report.figures[2]: ...}), to which the
     * file and line are added here.
     */
    public ExperimentLoader(ModelRegistry models, DatasetRegistry datasets, StrategyRegistry strategies,
            Consumer<Object> reportCheck) {
        this(models, datasets, strategies, reportCheck, System.err::println);
    }

    /** {@code warnings} receives what is allowed but unusual (a model on images it was not designed for). */
    public ExperimentLoader(ModelRegistry models, DatasetRegistry datasets, StrategyRegistry strategies,
            Consumer<Object> reportCheck, Consumer<String> warnings) {
        this.reader = new ExperimentReader(models, datasets, strategies, reportCheck, warnings);
    }

    public ExperimentSpec load(Path file) {
        return load(file, List.of());
    }

    /** {@code overrides} are {@code path=value} expressions (from {@code --set}), applied in order. */
    public ExperimentSpec load(Path file, List<String> overrides) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such experiment file");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString(), overrides);
    }

    /**
     * An error found in a strategy of the experiment this loader read last once the grid is planned (the planner
     * names it {@code strategy '<label>': ...}), with the file, line and key, as the loader's own errors; any
     * other exception as it is.
     */
    public ConfigException located(ConfigException e) {
        return reader.locate(e);
    }

    /** Like {@link #load(Path, List)} for YAML text; {@code source} names it in messages. */
    public ExperimentSpec parse(String yaml, String source, List<String> overrides) {
        Origins origins = new Origins(source);
        Node root = YamlParser.compose(yaml, source, true);
        if (root == null) {
            throw new ConfigException(source + ": the file is empty; expected a map of experiment keys");
        }
        YamlParser.checkDuplicateKeys(root, "", origins);
        new Field(null, root, "", origins).section(null); // a map, before overrides edit it
        for (String expression : overrides) {
            root = Overrides.apply(root, expression, origins);
        }
        return reader.read(new Field(null, root, "", origins));
    }
}
