package prunebench.report;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The figures a report can draw; {@link #key()} is the name used in the YAML {@code report.figures} list and the file name. */
public enum FigureKind {
    ACCURACY_VS_COMPRESSION("accuracy-vs-compression"),
    ACCURACY_VS_SPEEDUP("accuracy-vs-speedup"),
    /** Top-1 (the report's metric) against the measured inference speedup; drawn when runs.csv has the column. */
    ACCURACY_VS_MEASURED_SPEEDUP("accuracy-vs-measured-speedup"),
    /** Top-1 against the multiply-adds spent in training (pretraining included); when runs.csv has the column. */
    ACCURACY_VS_TRAIN_FLOPS("accuracy-vs-train-flops"),
    DELTA_TOP1_VS_COMPRESSION("delta-top1-vs-compression"),
    TOP5_VS_COMPRESSION("top5-vs-compression"),
    TOP5_VS_SPEEDUP("top5-vs-speedup"),
    DENSITY_PROFILE("density-profile"),
    TRAINING_CURVES("training-curves");

    private final String key;

    FigureKind(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    static Optional<FigureKind> fromKey(String key) {
        return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst();
    }

    static List<String> keys() {
        return Arrays.stream(values()).map(FigureKind::key).toList();
    }
}
