package prunebench.report;

import java.io.StringReader;
import tech.tablesaw.api.Table;

/** Hand-made runs tables in the runner's CSV format. */
final class Fixtures {
    static final String HEADER = "run_id,strategy,compression,seed,status,compression_actual,speedup_theoretical,"
            + "top1,top5,top1_pre_finetune,top5_pre_finetune,params,params_nonzero,flops,flops_nonzero,wall_seconds,"
            + "model,dataset,error";

    private Fixtures() {}

    /** A successful run; params/flops are derived from the compression so every column is filled. */
    static String ok(String id, String strategy, double compression, int seed, double top1, double top5,
            double top1Pre, double speedup) {
        long params = 1000;
        long nonzero = Math.round(params / compression);
        return String.join(",", id, strategy, num(compression), Integer.toString(seed), "ok", num(compression),
                num(speedup), num(top1), num(top5), compression == 1 ? "" : num(top1Pre), "", Long.toString(params),
                Long.toString(nonzero), "5000", Long.toString(Math.round(5000 / speedup)), "12.5", "lenet5", "mnist", "");
    }

    static String failed(String id, String strategy, double compression, int seed, String error) {
        return String.join(",", id, strategy, num(compression), Integer.toString(seed), "failed",
                "", "", "", "", "", "", "", "", "", "", "", "lenet5", "mnist", "\"" + error.replace("\"", "\"\"") + "\"");
    }

    static Table runs(String... rows) {
        return runsWithHeader(HEADER, rows);
    }

    static Table runsWithHeader(String header, String... rows) {
        String csv = header + "\n" + String.join("\n", rows) + "\n";
        return RunsCsv.read(new StringReader(csv), "test runs.csv");
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
