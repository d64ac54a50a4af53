package prunebench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CanonicalTest {
    private record Point(String label, double x, List<Integer> ticks) {}

    private final ExperimentLoader loader = Fakes.loader();

    @Test
    void recordsByComponentInDeclarationOrderMapsSortedByKey() {
        assertEquals("{\"label\":\"p\",\"x\":4,\"ticks\":[3,1]}", Canonical.text(new Point("p", 4.0, List.of(3, 1))));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", null);
        m.put("a", true);
        m.put("m", Set.of("b", "a"));
        assertEquals("{\"a\":true,\"m\":[\"a\",\"b\"],\"z\":null}", Canonical.text(m));
        assertEquals("\"AUTO\"", Canonical.text(ExperimentSpec.DeviceChoice.AUTO));
        assertEquals("\"q\\\"\\\\\\n\\u0001\"", Canonical.text("q\"\\\n\u0001"));
    }

    @Test
    void numbersAreNormalised() {
        assertEquals("4", Canonical.text(4.0));
        assertEquals("4", Canonical.text(4));
        assertEquals("4", Canonical.text(4L));
        assertEquals("4", Canonical.text(new BigDecimal("4.000")));
        assertEquals("0.1", Canonical.text(0.1));
        assertEquals("0.1", Canonical.text(0.1f));
        assertEquals("0.00000001", Canonical.text(1e-8));
        assertEquals("10000000000", Canonical.text(1e10));
        assertEquals("0", Canonical.text(-0.0));
        assertEquals("-2.5", Canonical.text(-2.5));
        assertEquals("123456789012345678901234567890", Canonical.text(new BigInteger("123456789012345678901234567890")));
        assertEquals("NaN", Canonical.text(Double.NaN));
        assertEquals(Canonical.text(List.of(1.0, 2.0, 4.0)), Canonical.text(List.of(1, 2, 4)));
    }

    @Test
    void hashIsTheSha256OfTheText() {
        // Reference values from Python: hashlib.sha256(b'"abc"').hexdigest()
        assertEquals("6cc43f858fbb763301637b5af970e2a46b46f461f27e5a0f41e009c59b827b25", Canonical.hash("abc"));
        assertEquals("0b7427b3106796e09e253e778e8f752e8c37887e9ef70d82311491d97c8bcaf8",
                Canonical.hash(Map.of("a", List.of(1, 2.5, "x"))));
    }

    @Test
    void rejectsValuesWithoutAStableForm() {
        assertThrows(IllegalArgumentException.class, () -> Canonical.text(new Object()));
    }

    @Test
    void reorderingKeysInTheFileDoesNotChangeTheHash() {
        String a = """
                name: q
                model: lenet5
                dataset: {name: mnist, max_train: 100}
                pretrain: {epochs: 1, optimizer: {name: sgd, lr: 0.05, momentum: 0.9}}
                pruning:
                  compressions: [1, 2, 4]
                  strategies: [random, {name: typed, alpha: 1, steps: 2, label: t}]
                report: {x: 1, y: [1, 2]}
                """;
        String b = """
                report: {y: [1, 2], x: 1}
                pruning:
                  strategies: [random, {label: t, steps: 2, alpha: 1.0, name: typed}]
                  compressions: [1.0, 2, 4.0]
                pretrain: {optimizer: {momentum: 0.9, lr: 0.05, name: sgd}, epochs: 1}
                dataset: {max_train: 100, name: mnist}
                model: lenet5
                name: q
                """;
        ExperimentSpec specA = loader.parse(a, "a.yaml", List.of());
        ExperimentSpec specB = loader.parse(b, "b.yaml", List.of());
        assertEquals(specA, specB);
        assertEquals(Canonical.text(specA), Canonical.text(specB));
        assertEquals(Canonical.hash(specA), Canonical.hash(specB));
        // Writing a default out changes nothing either.
        assertEquals(Canonical.hash(specA), Canonical.hash(loader.parse(a, "a.yaml", List.of("threads=1", "seeds=[0]"))));

        ExperimentSpec otherLr = loader.parse(a, "a.yaml", List.of("pretrain.optimizer.lr=0.06"));
        assertNotEquals(Canonical.hash(specA), Canonical.hash(otherLr));
        assertNotEquals(Canonical.hash(specA.pretrain()), Canonical.hash(otherLr.pretrain()));
        assertEquals(Canonical.hash(specA.finetune()), Canonical.hash(otherLr.finetune()));
        assertEquals(64, Canonical.hash(specA).length());
    }
}
