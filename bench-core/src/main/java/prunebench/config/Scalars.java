package prunebench.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Decodes a resolved scalar (int, float, bool, null) with SnakeYAML's safe constructor, so that every YAML 1.1
 * spelling ({@code 1_000}, {@code 0x10}, {@code 1e-8}, {@code .inf}, {@code yes}) means what YAML says it means.
 */
final class Scalars {
    private Scalars() {}

    static Object decode(ScalarNode node) {
        // A fresh constructor per scalar: it caches constructed nodes, and config files are small.
        return new Decoder().decode(node);
    }

    private static final class Decoder extends SafeConstructor {
        Decoder() {
            super(new LoaderOptions());
        }

        Object decode(ScalarNode node) {
            return constructObject(node);
        }
    }
}
