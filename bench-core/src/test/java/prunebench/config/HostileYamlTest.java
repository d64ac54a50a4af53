package prunebench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Files made to exhaust memory through YAML aliases are refused quickly, with a short message. */
class HostileYamlTest {
    private final ExperimentLoader loader = Fakes.loader();

    /**
     * One alias per nesting level, each level holding the one below and an alias to it: {@code levels} aliases
     * (below SnakeYAML's limit of 50) that expand to 2^levels values.
     */
    static String aliasChain(int levels) {
        String value = "&a0 [x]";
        for (int i = 1; i <= levels; i++) {
            value = "&a" + i + " [" + value + ", *a" + (i - 1) + "]";
        }
        return Experiments.BLOCK + "report: {strategies: " + value + "}\n";
    }

    private String refused(String yaml) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(ConfigException.class,
                () -> loader.parse(yaml, "x.yaml", List.of())).getMessage());
    }

    @Test
    void aDeepAliasChainIsRefusedQuicklyWithAShortMessage() {
        String yaml = aliasChain(40);
        assertTrue(yaml.length() < 1100, "about 1 KB: " + yaml.length());
        assertEquals("x.yaml:18: this value expands through YAML aliases to more than 100000 values (the limit for "
                + "an experiment); write it out or use fewer aliases", refused(yaml));
    }

    /** Two aliases per level, side by side: {@code 2 x levels} aliases expanding to 2^levels values. */
    static String doublingChain(int levels, String leaf) {
        StringBuilder yaml = new StringBuilder(Experiments.BLOCK).append("report:\n  t0: &t0 [").append(leaf)
                .append("]\n");
        for (int i = 1; i <= levels; i++) {
            yaml.append("  t").append(i).append(": &t").append(i).append(" [*t").append(i - 1).append(", *t")
                    .append(i - 1).append("]\n");
        }
        return yaml.toString();
    }

    @Test
    void fortyEightAliasesToo() {
        String message = refused(doublingChain(24, "x"));
        assertTrue(message.length() < 200, message.length() + " characters");
        assertTrue(message.startsWith("x.yaml:"), message);
        assertTrue(message.contains(": this value expands through YAML aliases to more than 100000 values"), message);
    }

    @Test
    void longTextRepeatedThroughAliasesIsBoundedByItsCharacters() {
        assertTrue(refused(doublingChain(10, "y".repeat(4000))).endsWith("expands through YAML aliases to more than "
                + "1048576 characters (the limit for an experiment); write it out or use fewer aliases"));
    }

    @Test
    void aliasesThatShareASmallValueStillWork() {
        String yaml = Experiments.BLOCK.replace("  epochs: 3\n", "  epochs: 3\n  lr_schedule: &s {name: cosine}\n")
                .replace("finetune:\n  epochs: 1\n", "finetune:\n  epochs: 1\n  lr_schedule: *s\n");
        assertEquals("quickstart", loader.parse(yaml, "x.yaml", List.of()).name());
    }

    @Test
    void overridesAreBoundedLikeTheFile() {
        String bomb = "&a0 [x]";
        for (int i = 1; i <= 30; i++) {
            bomb = "&a" + i + " [" + bomb + ", *a" + (i - 1) + "]";
        }
        String expression = "report=" + "{strategies: " + bomb + "}";
        String message = assertThrows(ConfigException.class,
                () -> loader.parse(Experiments.BLOCK, "x.yaml", List.of(expression))).getMessage();
        assertTrue(message.startsWith("--set report=") && message.contains("expands through YAML aliases"), message);
    }
}
