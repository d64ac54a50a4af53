package prunebench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import prunebench.config.ConfigException;
import prunebench.report.References.Reference;
import tech.tablesaw.api.Table;

/**
 * References files as users write them (the cases of probe-cases/refs): each malformed one is refused with its file,
 * line and the problem; units, error columns, a byte-order mark and CRLF are read right; and the comparison matches
 * model and dataset and calls an uninformative interval inconclusive.
 */
class ReferenceFilesTest {
    private static final String HEADER = "paper,model,dataset,strategy,compression,sparsity,top1,top1_std,n,source\n";
    @TempDir
    Path tmp;

    private Path file(String name, String text) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, text.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private String refused(String name, String text) throws Exception {
        Path f = file(name, text);
        ConfigException e = assertThrows(ConfigException.class, () -> References.load(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e.getMessage().substring(f.toString().length());
    }

    @Test
    void malformedFilesAreRefusedSayingWhereAndWhy() throws Exception {
        String row = "p,lenet5,fashion-mnist,global_magnitude,";
        assertEquals(":2: top1 0.889 looks like a fraction (runs.csv's unit), but top1 and error are read in "
                + "percent: write 88.9, or add a column unit with the value fraction",
                refused("fraction.csv", HEADER + row + "4,0.75,0.889,,,t1\n"));
        assertEquals(":1: the fields are separated by ';'; expected ',' (and '.' as the decimal point), as in "
                + HEADER.strip(), refused("semi.csv", HEADER.replace(',', ';') + "p;lenet5;f;g;4;0.75;88,9;;;t1\n"));
        assertEquals(": a header and no rows: no published result to compare with; add rows or remove the file "
                + "from report.references", refused("header_only.csv", HEADER));
        assertEquals(": empty; expected a header line " + HEADER.strip(), refused("empty.csv", ""));
        assertEquals(":3: repeats line 2 (the same point and values: global_magnitude at compression 4); remove "
                + "one", refused("dup.csv", HEADER + row + "4,0.75,88.9,,,t1\n" + row + "4,0.75,88.9,,,t1\n"));
        String conflict = refused("dup_conflict.csv", HEADER + row + "4,0.75,88.9,,,t1\n" + row + "4,,70.0,,,t9\n");
        assertTrue(conflict.startsWith(":3: conflicts with " + tmp.resolve("dup_conflict.csv") + ":2: the same point "
                + "(paper p, lenet5 on fashion-mnist, global_magnitude at compression 4) has top1 88.9 there and 70 "
                + "here"), conflict);
        assertEquals(":2: compression 4 and sparsity 0.5 disagree: compression 4 is sparsity 0.7500 (compression = "
                + "1 / (1 - sparsity)); leave one of them empty or correct it",
                refused("inconsistent.csv", HEADER + row + "4,0.5,88.9,,,t1\n"));
        assertEquals(":2: sparsity: must be in [0, 1], got 75 (sparsity is a fraction: 0.75 for 75%)",
                refused("sparsity_pct.csv", HEADER + row + ",75,88.9,,,pct\n"));
        assertEquals(":2: compression: must be in [1, inf], got 0", refused("comp0.csv", HEADER + row + "0,1,10,,,t\n"));
        assertEquals(":2: top1 (percent): expected a finite number, got 'NaN'",
                refused("nan.csv", HEADER + row + "4,0.75,NaN,,,t1\n"));
        assertEquals(":2: top1 (percent): expected a number, got 'abc'",
                refused("text.csv", HEADER + row + "4,0.75,abc,,,t1\n"));
        assertEquals(":2: top1 (percent): must be in [0, 100], got 889",
                refused("over100.csv", HEADER + row + "4,0.75,889,,,t1\n"));
        assertEquals(":2: top1_std (percent): must be in [0, 100], got -1",
                refused("badstd.csv", HEADER + row + "4,0.75,88.9,-1,3,t1\n"));
        assertEquals(":2: n: must be in [1, 2147483647], got 0", refused("badn.csv", HEADER + row + "4,0.75,88.9,0.5,0,t1\n"));
        assertEquals(":2: 11 fields, the header has 10", refused("extracol.csv", HEADER + row + "4,0.75,88.9,,,t1,x\n"));
        assertTrue(refused("missing_comp.csv", "paper,model,dataset,strategy,top1,top1_std,n,source\n"
                + "p,lenet5,f,g,88.9,,,t1\n").startsWith(":1: missing column(s) [compression or sparsity]; "));
        assertTrue(refused("missing_top1.csv", HEADER.replace("top1,", "") + row + "4,0.75,,,t1\n")
                .startsWith(":1: missing column(s) [top1]; "));
        assertEquals(":2: top1 0.9 and error 0.2 disagree: they must add up to 1 (fraction)", refused("both.csv",
                HEADER.replace("source", "source,error,unit") + row + "4,,0.9,,,t,0.2,fraction\n"));
        assertEquals(":2: unit: expected percent or fraction, got 'permille'", refused("unit.csv",
                HEADER.replace("source", "source,unit") + row + "4,,0.9,,,t,permille\n"));
        assertEquals(":2: model: must not be empty", refused("nomodel.csv", HEADER + "p,,f,g,4,,88,,,t\n"));
    }

    @Test
    void unitsErrorsByteOrderMarkAndCrlfAreReadInPercent() throws Exception {
        String row = "p,lenet5,fashion-mnist,global_magnitude,";
        List<Reference> fraction = References.load(file("f.csv", HEADER.replace("source", "source,unit")
                + row + "4,0.75,0.889,0.004,3,t1,fraction\n" + row + "32,,0.8376,,,t1,percent\n"));
        assertEquals(88.9, fraction.get(0).top1(), 1e-9);
        assertEquals(0.4, fraction.get(0).top1Std(), 1e-9);
        assertEquals(0.8376, fraction.get(1).top1(), 1e-12, "unit percent said explicitly: taken as written");
        // Papers print the error: top1 = 100 - error (percent), 1 - error (fraction)
        List<Reference> error = References.load(file("e.csv", HEADER.replace("top1,", "error,")
                + row + "4,0.75,1.6,,,Han Table 1\n"));
        assertEquals(98.4, error.get(0).top1(), 1e-9);
        List<Reference> bom = References.load(file("bom.csv", "\uFEFF" + HEADER + row + "4,0.75,88.9,,,t1\n"));
        assertEquals(88.9, bom.get(0).top1(), 1e-9);
        List<Reference> crlf = References.load(file("crlf.csv", (HEADER + row + "4,0.75,88.9,,,t1\n")
                .replace("\n", "\r\n")));
        assertEquals("t1", crlf.get(0).source());
        // compression from a rounded sparsity still agrees: 2.78 and 0.64 (1 / 0.36 = 2.777)
        assertEquals(2.78, References.load(file("li.csv", HEADER + row + "2.78,0.64,93.4,,1,t\n")).get(0)
                .compression(), 1e-12);
        // the same point with the same values in two files: kept once
        Path a = file("a.csv", HEADER + row + "4,0.75,88.9,,,t1\n");
        Path b = file("b.csv", HEADER + row + "4,0.75,88.9,,,t1\n");
        assertEquals(1, References.load(List.of(a, b)).size());
    }

    /**
     * lenet5 on fashion-mnist, two seeds of global_magnitude at 4: 88% and 89% (mean 88.5, std 0.7071, CI
     * 12.706 * 0.7071 / sqrt 2 = 6.353); one seed of random at 4: 85%.
     */
    private Path results() throws Exception {
        Path dir = tmp.resolve("r");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("runs.csv"), """
                run_id,strategy,compression,seed,status,model,dataset,top1,budget
                g-c4-s0,global_magnitude,4,0,ok,lenet5,fashion-mnist,0.88,1
                g-c4-s1,global_magnitude,4,1,ok,lenet5,fashion-mnist,0.89,1
                r-c4-s0,random,4,0,ok,lenet5,fashion-mnist,0.85,1
                """);
        return dir;
    }

    private static ReportSpec spec(Path refs, double bound) {
        ReportSpec d = ReportSpec.defaults();
        return new ReportSpec(List.of(FigureKind.ACCURACY_VS_COMPRESSION), "t", d.strategies(), d.metric(),
                d.densityProfile(), d.trainingCurves(), d.compare(), d.formats(), List.of(refs), true, bound);
    }

    @Test
    void matchingUsesModelAndDatasetAndAWideIntervalIsInconclusive() throws Exception {
        Path refs = file("refs.csv", HEADER
                + "p,lenet5,fashion-mnist,global_magnitude,4,,88.9,,,two seeds\n"
                + "p,vgg16,cifar10,global_magnitude,4,,88.9,,,other model\n"
                + "p,lenet5,mnist,random,4,,85.2,,,other dataset\n"
                + "p,LeNet5,Fashion_MNIST,random,4,,85.2,,,case and _ aside\n"
                + "p,lenet5,fashion-mnist,Random,4,,85.0,,,label case\n");
        Path dir = results();
        String md = Files.readString(Report.rebuild(dir, spec(refs, ReportSpec.DEFAULT_AGREEMENT_BOUND)));
        // sqrt(6.353^2 + 0.5^2) = 6.37 > 2: no verdict, though |d| = 0.4 is inside
        assertTrue(md.contains("| global_magnitude | 4 | 88.50 ± 6.35 (n=2) | 88.90 | -0.40 | inconclusive (±6.37) |"),
                md);
        assertTrue(md.contains("| random | 4 | 85.00 (n=1) | 85.20 | -0.20 | yes (±0.50) |"), md);
        assertTrue(md.contains("- " + refs + ":3 (global_magnitude at 4): not run: model vgg16, the runs' is lenet5"),
                md);
        assertTrue(md.contains("- " + refs + ":4 (random at 4): not run: dataset mnist, the runs' is fashion-mnist"),
                md);
        assertTrue(md.contains("- " + refs + ":6 (Random at 4): not run: strategy Random differs from the label random "
                + "only in case (labels are case-sensitive)"), md);
        Table csv = Table.read().csv(dir.resolve(PublishedComparison.FILE).toFile());
        assertEquals(List.of("inconclusive", "not run", "not run", "yes", "not run"),
                csv.stringColumn("verdict").asList());
        assertEquals(List.of("lenet5", "vgg16", "lenet5", "LeNet5", "lenet5"), csv.stringColumn("model").asList());

        // agreement_bound 7: the same interval now decides
        md = Files.readString(Report.rebuild(dir, spec(refs, 7)));
        assertTrue(md.contains("| global_magnitude | 4 | 88.50 ± 6.35 (n=2) | 88.90 | -0.40 | yes (±6.37) |"), md);
        assertTrue(md.contains("inconclusive when that interval is wider than ±7 points (report.agreement_bound)"), md);
    }

    @Test
    void theAgreementBoundIsAReportKey() {
        assertEquals(2, ReportSpec.defaults().agreementBound());
        assertEquals(1.5, ReportSpec.parse(java.util.Map.of("agreement_bound", 1.5)).agreementBound());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ReportSpec.parse(java.util.Map.of("agreement_bound", -1)));
        assertEquals("report.agreement_bound: expected a positive number of top-1 points, got number -1", e.getMessage());
    }
}
