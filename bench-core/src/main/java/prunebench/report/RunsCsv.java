package prunebench.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import prunebench.config.ConfigException;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * The runner's {@code runs.csv} contract, read into a Tablesaw table with predictable column types: identity and
 * text columns as strings, {@code seed} as long, every other numeric column (known or not) as double, so that
 * aggregation never has to care whether a column happened to hold only integers.
 */
final class RunsCsv {
    static final String FILE = "runs.csv";
    static final String RUN_ID = "run_id";
    static final String STRATEGY = "strategy";
    static final String COMPRESSION = "compression";
    static final String SEED = "seed";
    static final String STATUS = "status";
    static final String ERROR = "error";
    static final String MODEL = "model";
    static final String DATASET = "dataset";
    /** The short hash of a run's settings except seed and compression (see prunebench.config.Settings). */
    static final String CONFIG = "config";
    /** Added by the report when several results folders are combined; never written by the runner. */
    static final String EXPERIMENT = "experiment";
    static final String OK = "ok";

    static final String TOP1 = "top1";
    static final String TOP5 = "top5";
    static final String TOP1_PRE = "top1_pre_finetune";
    static final String TOP5_PRE = "top5_pre_finetune";
    static final String COMPRESSION_ACTUAL = "compression_actual";
    static final String SPEEDUP_THEORETICAL = "speedup_theoretical";
    static final String SPEEDUP_MEASURED = "speedup_measured";
    static final String TIMING = "timing";
    static final String EPOCHS_TRAINED = "epochs_trained";
    static final String TRAIN_FLOPS = "train_flops";
    static final String VAL_TOP1 = "val_top1";
    static final String BUDGET = "budget";

    static final List<String> REQUIRED = List.of(RUN_ID, STRATEGY, COMPRESSION, SEED, STATUS, TOP1);
    private static final Set<String> TEXT = Set.of(RUN_ID, STRATEGY, STATUS, ERROR, MODEL, DATASET, EXPERIMENT,
            CONFIG);
    private static final Set<String> KNOWN_NUMERIC = Set.of(COMPRESSION, COMPRESSION_ACTUAL, SPEEDUP_THEORETICAL,
            SPEEDUP_MEASURED, TOP1, TOP5, TOP1_PRE, TOP5_PRE, VAL_TOP1, BUDGET, "params", "params_nonzero", "flops", "flops_nonzero",
            "wall_seconds");

    private RunsCsv() {}

    static Table read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": no such file (expected the runner's runs.csv)");
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            return read(reader, file.toString());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    static Table read(Reader reader, String source) {
        Function<String, Optional<ColumnType>> known = name -> {
            if (TEXT.contains(name) || isSetting(name)) {
                return Optional.of(ColumnType.STRING);
            }
            if (name.equals(SEED)) {
                return Optional.of(ColumnType.LONG);
            }
            return KNOWN_NUMERIC.contains(name) ? Optional.of(ColumnType.DOUBLE) : Optional.empty();
        };
        Table raw;
        try {
            raw = Table.read().csv(CsvReadOptions.builder(reader)
                    .tableName(source)
                    .columnTypesPartial(known)
                    .maxCharsPerColumn(1 << 20) // error column may hold a stack trace
                    .sample(false)
                    .build());
        } catch (RuntimeException e) {
            throw new ConfigException(source + ": not a valid runs table: " + e.getMessage(), e);
        }
        List<String> missing = REQUIRED.stream().filter(c -> !raw.containsColumn(c)).collect(Collectors.toList());
        if (!missing.isEmpty()) {
            throw new ConfigException(source + ": missing column(s) " + missing + "; the runner writes "
                    + String.join(", ", REQUIRED) + ", ...");
        }
        return normalise(raw);
    }

    /** Unknown integer-typed columns (e.g. layers_collapsed) become doubles like the known metrics. */
    private static Table normalise(Table raw) {
        List<Column<?>> columns = new ArrayList<>();
        for (Column<?> c : raw.columns()) {
            boolean numeric = c instanceof NumericColumn<?> && !c.name().equals(SEED);
            columns.add(numeric && !(c instanceof DoubleColumn) ? ((NumericColumn<?>) c).asDoubleColumn().setName(c.name()) : c);
        }
        return Table.create(raw.name(), columns);
    }

    /**
     * A settings column ({@code finetune.optimizer.lr}): named by a dotted key, read as text as written, never
     * aggregated; runs.csv has one for every setting that differs between its runs.
     */
    static boolean isSetting(String column) {
        return column.contains(".");
    }

    /** Columns that can be aggregated: every double column except the grouping key. */
    static List<String> metricColumns(Table runs) {
        return runs.columns().stream()
                .filter(c -> c instanceof DoubleColumn && !c.name().equals(COMPRESSION))
                .map(Column::name)
                .collect(Collectors.toList());
    }

    static boolean isOk(Table runs, int row) {
        return OK.equals(runs.stringColumn(STATUS).get(row));
    }

    /**
     * Rows of several tables in one: the union of their columns, in first-seen order, missing cells left empty. A
     * column that has different types in different tables (a type-detection accident) falls back to text.
     */
    static Table union(String name, List<Table> tables) {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        for (Table t : tables) {
            for (Column<?> c : t.columns()) {
                types.merge(c.name(), c.type(), (a, b) -> a.equals(b) ? a : ColumnType.STRING);
            }
        }
        Table result = null;
        for (Table t : tables) {
            List<Column<?>> aligned = new ArrayList<>();
            for (Map.Entry<String, ColumnType> e : types.entrySet()) {
                Column<?> c;
                if (!t.containsColumn(e.getKey())) {
                    c = e.getValue().create(e.getKey());
                    for (int i = 0; i < t.rowCount(); i++) {
                        c.appendMissing();
                    }
                } else {
                    c = t.column(e.getKey());
                    if (!c.type().equals(e.getValue())) {
                        c = c.asStringColumn().setName(e.getKey());
                    }
                }
                aligned.add(c);
            }
            Table part = Table.create(name, aligned);
            result = result == null ? part : result.append(part);
        }
        return result == null ? Table.create(name) : result;
    }
}
