package prunebench.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import prunebench.config.ConfigException;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/** The per-run tables the runner writes under {@code runs/<run_id>/}. */
final class RunFiles {
    static final String LAYERS = "layers.csv";
    static final String EPOCHS = "epochs.csv";

    private RunFiles() {}

    /** Columns layer, shape, parameters, kept, density; absent for runs that never reached pruning. */
    static Optional<Table> layers(Path runDir) {
        return read(runDir.resolve(LAYERS), Map.of("layer", ColumnType.STRING, "shape", ColumnType.STRING,
                "parameters", ColumnType.DOUBLE, "kept", ColumnType.DOUBLE, "density", ColumnType.DOUBLE));
    }

    /** Columns stage, epoch, lr, train_loss, train_top1, test_top1, test_top5, seconds. */
    static Optional<Table> epochs(Path runDir) {
        return read(runDir.resolve(EPOCHS), Map.of("stage", ColumnType.STRING, "epoch", ColumnType.DOUBLE,
                "test_top1", ColumnType.DOUBLE, "test_top5", ColumnType.DOUBLE));
    }

    private static Optional<Table> read(Path file, Map<String, ColumnType> types) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Table.read().csv(CsvReadOptions.builder(file.toFile())
                    .columnTypesPartial(types)
                    .build()));
        } catch (RuntimeException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
