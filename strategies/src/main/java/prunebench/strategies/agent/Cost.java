package prunebench.strategies.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import prunebench.model.ChannelGroup;
import prunebench.model.Network;
import prunebench.model.PrunableLayer;

/**
 * A network's cost as a function of the fraction r[g] of channels each group keeps: a constant plus terms
 * coefficient x r[i] x r[j], where an index of -1 stands for 1 (a layer's input or output that no group prunes). A
 * layer that reads group i and writes group j costs its dense multiply-adds (or weights) x r[i] x r[j]; a bias or
 * BatchNorm channel of group j costs r[j]. At whole-channel fractions this is exactly the structured pruner's count.
 * The cost is linear in each r[g] alone (no layer reads and writes the same group), which is what the action wall
 * needs: {@link #maxFraction}.
 */
final class Cost {
    /** coefficient x r[i] x r[j] (-1: 1). */
    record Term(double coefficient, int i, int j) {}

    private final double constant;
    private final List<Term> terms;

    Cost(double constant, List<Term> terms) {
        this.constant = constant;
        this.terms = List.copyOf(terms);
    }

    /** The cost when group g keeps the fraction r[g]. */
    double at(double[] r) {
        double c = constant;
        for (Term t : terms) {
            c += t.coefficient() * (t.i() < 0 ? 1 : r[t.i()]) * (t.j() < 0 ? 1 : r[t.j()]);
        }
        return c;
    }

    /** The cost with every group whole. */
    double dense(int groups) {
        double[] ones = new double[groups];
        java.util.Arrays.fill(ones, 1);
        return at(ones);
    }

    /**
     * The code's {@code _action_wall} bound: the largest fraction group {@code g} may keep so that the cost, the other
     * groups at {@code r} (those still to be decided at their lower bound), stays within {@code budget}. The cost
     * is other + this x r[g]; the bound is (budget - other) / this (infinite when group g costs nothing).
     */
    double maxFraction(int g, double[] r, double budget) {
        double[] x = r.clone();
        x[g] = 0;
        double other = at(x);
        x[g] = 1;
        double self = at(x) - other;
        return self > 0 ? (budget - other) / self : Double.POSITIVE_INFINITY;
    }

    /** Builder of the terms. */
    static final class Builder {
        private double constant;
        private final List<Term> terms = new ArrayList<>();

        Builder constant(double c) {
            constant += c;
            return this;
        }

        Builder term(double coefficient, int i, int j) {
            if (i < 0 && j < 0) {
                constant += coefficient;
            } else {
                terms.add(new Term(coefficient, i, j));
            }
            return this;
        }

        Cost build() {
            return new Cost(constant, terms);
        }
    }

    /**
     * Multiply-adds ({@code parameters} false) or trainable parameters as a {@link Cost} of the groups' kept
     * fractions, counted as the structured pruner counts them.
     */
    static Cost of(Network network, List<ChannelGroup> groups, boolean parameters) {
        Map<String, Integer> producerOf = new HashMap<>();
        Map<String, Integer> consumerOf = new HashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            producerOf.put(groups.get(g).name(), g);
            for (ChannelGroup.Consumer c : groups.get(g).consumers()) {
                consumerOf.put(c.layer().name(), g);
            }
        }
        Cost.Builder b = new Cost.Builder();
        long layerWeights = 0;
        for (PrunableLayer l : network.layers()) {
            double size = l.weightCount() * (parameters ? 1.0 : l.usesPerWeight());
            layerWeights += l.weightCount();
            b.term(size, consumerOf.getOrDefault(l.name(), -1), producerOf.getOrDefault(l.name(), -1));
        }
        if (parameters) {
            long total = network.trainableParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            long perChannel = 0;
            for (int g = 0; g < groups.size(); g++) {
                ChannelGroup group = groups.get(g);
                long extra = ((group.bias() != null ? 1 : 0) + (group.norm() != null ? 2 : 0)) * (long) group.channels();
                perChannel += extra;
                b.term(extra, g, -1);
            }
            b.constant(total - layerWeights - perChannel);
        }
        return b.build();
    }
}
