package prunebench.strategies.agent;

import java.util.List;
import java.util.Random;

/**
 * The DDPG agent of mit-han-lab/amc ({@code lib/agent.py}), one action per state: the actor
 * mu(s) = sigmoid(fc3(relu(fc2(relu(fc1(s)))))) and the critic Q(s, a) = fc3(relu(fc2(relu(fc11(s) + fc12(a))))),
 * each with a target copy (hard-copied at the start). One {@link #update} is the code's {@code update_policy}:
 * <ol>
 *   <li>the batch's rewards minus a moving average of batch mean rewards (the first batch's mean, then
 *       avg += 0.5 (mean - avg));</li>
 *   <li>the critic's target y = r + discount x (1 - done) x Q'(s', mu'(s')), and one Adam step on the mean squared
 *       error (Q(s, a) - y)^2;</li>
 *   <li>one Adam step of the actor on -mean Q(s, mu(s)) (the critic just updated);</li>
 *   <li>both targets moved by theta' = theta' (1 - tau) + theta tau.</li>
 * </ol>
 */
final class Ddpg {
    /** The agent's sizes and rates: the code's hidden1, hidden2, lr_a, lr_c, tau, discount. */
    record Settings(int states, int hidden1, int hidden2, double actorLr, double criticLr, double tau,
            double discount) {}

    /** One stored step: in state {@code s} the agent's action {@code a}, reward {@code r}, next state, terminal. */
    record Transition(double[] s, double a, double r, double[] next, boolean done) {}

    final Settings settings;
    final Dense[] actor;
    final Dense[] actorTarget;
    /** fc11 (state), fc12 (action), fc2, fc3. */
    final Dense[] critic;
    final Dense[] criticTarget;
    private boolean averaged;
    private double movingAverage;
    private int steps;

    Ddpg(Settings s, Random random) {
        this(s, new Dense[] {new Dense(s.states(), s.hidden1(), random), new Dense(s.hidden1(), s.hidden2(), random),
            new Dense(s.hidden2(), 1, random)},
                new Dense[] {new Dense(s.states(), s.hidden1(), random), new Dense(1, s.hidden1(), random),
                    new Dense(s.hidden1(), s.hidden2(), random), new Dense(s.hidden2(), 1, random)});
    }

    /** An agent of the given layers (tests set them by hand); the targets start as copies. */
    Ddpg(Settings settings, Dense[] actor, Dense[] critic) {
        this.settings = settings;
        this.actor = actor;
        this.critic = critic;
        this.actorTarget = copies(actor);
        this.criticTarget = copies(critic);
    }

    /** mu(s), in (0, 1). */
    double act(double[] state) {
        return actorForward(actor, new double[][] {state}).out[0][0];
    }

    /** The reward baseline after the batches so far (NaN before the first). */
    double movingAverage() {
        return averaged ? movingAverage : Double.NaN;
    }

    /**
     * The critic's regression targets y = r + discount x (1 - done) x Q'(s', mu'(s')) for rewards {@code r} already
     * normalised, from the target networks.
     */
    double[] targets(List<Transition> batch, double[] r) {
        double[][] next = new double[batch.size()][];
        for (int n = 0; n < next.length; n++) {
            next[n] = batch.get(n).next();
        }
        double[][] mu = actorForward(actorTarget, next).out;
        double[][] q = criticForward(criticTarget, next, mu).out;
        double[] y = new double[r.length];
        for (int n = 0; n < y.length; n++) {
            y[n] = r[n] + settings.discount() * (batch.get(n).done() ? 0 : 1) * q[n][0];
        }
        return y;
    }

    /** One update on a sampled batch, as described in the class comment. */
    void update(List<Transition> batch) {
        int size = batch.size();
        double[] r = new double[size];
        double mean = 0;
        for (int n = 0; n < size; n++) {
            r[n] = batch.get(n).r();
            mean += r[n];
        }
        mean /= size;
        if (!averaged) {
            movingAverage = mean;
            averaged = true;
        } else {
            movingAverage += 0.5 * (mean - movingAverage);
        }
        for (int n = 0; n < size; n++) {
            r[n] -= movingAverage;
        }
        double[] y = targets(batch, r);
        double[][] s = new double[size][];
        double[][] a = new double[size][1];
        for (int n = 0; n < size; n++) {
            s[n] = batch.get(n).s();
            a[n][0] = batch.get(n).a();
        }
        steps++;
        // critic: mean squared error, dL/dQ = 2 (Q - y) / N
        zero(critic);
        CriticPass q = criticForward(critic, s, a);
        double[][] dq = new double[size][1];
        for (int n = 0; n < size; n++) {
            dq[n][0] = 2 * (q.out[n][0] - y[n]) / size;
        }
        criticBackward(critic, q, dq);
        for (Dense d : critic) {
            d.adam(settings.criticLr(), steps);
        }
        // actor: -mean Q(s, mu(s)) through the updated critic; only the actor steps
        zero(actor);
        zero(critic);
        ActorPass mu = actorForward(actor, s);
        CriticPass qmu = criticForward(critic, s, mu.out);
        double[][] dOut = new double[size][1];
        for (int n = 0; n < size; n++) {
            dOut[n][0] = -1.0 / size;
        }
        double[][] da = criticBackward(critic, qmu, dOut);
        actorBackward(actor, mu, da);
        for (Dense d : actor) {
            d.adam(settings.actorLr(), steps);
        }
        zero(critic);
        softUpdate(actorTarget, actor, settings.tau());
        softUpdate(criticTarget, critic, settings.tau());
    }

    static void softUpdate(Dense[] target, Dense[] source, double tau) {
        for (int i = 0; i < target.length; i++) {
            target[i].softUpdateFrom(source[i], tau);
        }
    }

    /** What an actor's forward pass keeps for its backward pass. */
    record ActorPass(double[][] in, double[][] h1, double[][] h2, double[][] out) {}

    /** What a critic's forward pass keeps for its backward pass. */
    record CriticPass(double[][] s, double[][] a, double[][] z1, double[][] h1, double[][] z2, double[][] h2,
            double[][] out) {}

    static ActorPass actorForward(Dense[] net, double[][] s) {
        double[][] h1 = net[0].forward(s);
        double[][] h2 = net[1].forward(Dense.relu(h1));
        double[][] z = net[2].forward(Dense.relu(h2));
        double[][] out = new double[z.length][1];
        for (int n = 0; n < z.length; n++) {
            out[n][0] = 1 / (1 + Math.exp(-z[n][0]));
        }
        return new ActorPass(s, h1, h2, out);
    }

    static void actorBackward(Dense[] net, ActorPass p, double[][] dOut) {
        double[][] dz = new double[dOut.length][1];
        for (int n = 0; n < dz.length; n++) {
            double y = p.out[n][0];
            dz[n][0] = dOut[n][0] * y * (1 - y);
        }
        double[][] dh2 = Dense.reluBackward(p.h2, net[2].backward(Dense.relu(p.h2), dz));
        double[][] dh1 = Dense.reluBackward(p.h1, net[1].backward(Dense.relu(p.h1), dh2));
        net[0].backward(p.in, dh1);
    }

    static CriticPass criticForward(Dense[] net, double[][] s, double[][] a) {
        double[][] zs = net[0].forward(s);
        double[][] za = net[1].forward(a);
        double[][] z1 = new double[zs.length][];
        for (int n = 0; n < zs.length; n++) {
            z1[n] = new double[zs[n].length];
            for (int i = 0; i < z1[n].length; i++) {
                z1[n][i] = zs[n][i] + za[n][i];
            }
        }
        double[][] h1 = Dense.relu(z1);
        double[][] z2 = net[2].forward(h1);
        double[][] h2 = Dense.relu(z2);
        return new CriticPass(s, a, z1, h1, z2, h2, net[3].forward(h2));
    }

    /** Adds the critic's gradients for dL/dQ = {@code dOut} and returns dL/da. */
    static double[][] criticBackward(Dense[] net, CriticPass p, double[][] dOut) {
        double[][] dz2 = Dense.reluBackward(p.z2, net[3].backward(p.h2, dOut));
        double[][] dz1 = Dense.reluBackward(p.z1, net[2].backward(p.h1, dz2));
        net[0].backward(p.s, dz1);
        return net[1].backward(p.a, dz1);
    }

    private static void zero(Dense[] net) {
        for (Dense d : net) {
            d.zeroGrad();
        }
    }

    private static Dense[] copies(Dense[] net) {
        Dense[] out = new Dense[net.length];
        for (int i = 0; i < net.length; i++) {
            out[i] = new Dense(net[i].in, net[i].out);
            out[i].copyFrom(net[i]);
        }
        return out;
    }
}
