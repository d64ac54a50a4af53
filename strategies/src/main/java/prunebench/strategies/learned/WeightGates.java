package prunebench.strategies.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import prunebench.prune.GateContext;
import prunebench.prune.Gates;
import prunebench.prune.PruningTarget;
import prunebench.train.TrainableParameter;
import prunebench.util.Seeds;

/**
 * One auxiliary tensor per prunable weight tensor, shaped like it (a gate or a log-variance per weight), on the run's
 * manager, trained with the network. Subclasses say what the forward pass sees and what the loss adds; noise is
 * drawn in Java from (seed, tensor, step), so a resumed run draws the same.
 */
abstract class WeightGates implements Gates {
    protected final GateContext context;
    /** Auxiliary parameter by the name of the weight it belongs to. */
    protected final Map<String, Parameter> aux = new LinkedHashMap<>();
    /** The tensors of {@link #addAux}, by kind, then by weight name. */
    private final Map<String, Map<String, Parameter>> extra = new LinkedHashMap<>();

    WeightGates(GateContext context, String kind, java.util.function.ToDoubleFunction<Random> init) {
        this(context, kind, init, perWeight(context));
    }

    /**
     * @param gateShapes per gated weight tensor, the shape of its auxiliary tensor: the weight's own, or a prefix
     *                   of it with the rest 1 (one gate per output channel: (C_out, 1, ..., 1) broadcasts over the
     *                   filter)
     */
    WeightGates(GateContext context, String kind, java.util.function.ToDoubleFunction<Random> init,
            Map<String, Shape> gateShapes) {
        this(context, kind, gateShapes, (name, r) -> init.applyAsDouble(r));
    }

    /**
     * @param gateShapes as above
     * @param init       the initial value of a gate of weight tensor {@code name} (a per-layer initialisation)
     */
    WeightGates(GateContext context, String kind, Map<String, Shape> gateShapes,
            java.util.function.ToDoubleBiFunction<String, Random> init) {
        this.context = context;
        aux.putAll(build(kind, gateShapes, init));
    }

    /**
     * Parameters of kind {@code kind} shaped as {@code shapes}, one per prunable weight tensor that has a shape
     * there, initialised by {@code init} from a stream seeded by (seed, kind, tensor).
     */
    private Map<String, Parameter> build(String kind, Map<String, Shape> shapes,
            java.util.function.ToDoubleBiFunction<String, Random> init) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (PruningTarget t : context.targets()) {
            if (!shapes.containsKey(t.name())) {
                continue;
            }
            Shape shape = shapes.get(t.name());
            float[] values = new float[Math.toIntExact(shape.size())];
            Random random = new Random(Seeds.derive(context.seed(), kind + "/init/" + t.name()));
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) init.applyAsDouble(t.name(), random);
            }
            NDArray array = context.manager().create(values, shape);
            array.setRequiresGradient(true);
            out.put(t.name(), Parameter.builder().setName(kind + "/" + t.name()).setType(Parameter.Type.OTHER)
                    .optRequiresGrad(true).optArray(array).build());
        }
        return out;
    }

    /**
     * A further auxiliary tensor per gated weight (a variational posterior with two parameters per gate, or one per
     * gate and one per weight), trained, checkpointed (as {@code name/kind}) and decayed as the first. Call from the
     * subclass's constructor, once per kind.
     *
     * @return the new parameters by the name of the weight they belong to
     */
    protected Map<String, Parameter> addAux(String kind, Map<String, Shape> shapes,
            java.util.function.ToDoubleBiFunction<String, Random> init) {
        Map<String, Parameter> made = build(kind, shapes, init);
        extra.put(kind, made);
        return made;
    }

    /** One gate per weight of every prunable weight tensor (biases are not gated). */
    static Map<String, Shape> perWeight(GateContext context) {
        Map<String, Shape> out = new LinkedHashMap<>();
        context.targets().stream().filter(t -> !t.isBias()).forEach(t -> out.put(t.name(), t.array().getShape()));
        return out;
    }

    /** Weights that share one gate of tensor {@code name} (1 per weight, the filter's size per channel). */
    protected long weightsPerGate(String name) {
        return weight(name).size() / aux(name).size();
    }

    /** The auxiliary tensor of weight {@code name}. */
    protected NDArray aux(String name) {
        return aux.get(name).getArray();
    }

    /** The weight tensor {@code name} of the network. */
    protected NDArray weight(String name) {
        return context.network().allParameters().get(name).getArray();
    }

    @Override
    public List<TrainableParameter> parameters() {
        List<TrainableParameter> out = new ArrayList<>();
        aux.forEach((n, p) -> out.add(new TrainableParameter(p.getName(), p, decayed())));
        extra.values().forEach(m -> m.forEach((n, p) -> out.add(new TrainableParameter(p.getName(), p, decayed()))));
        return out;
    }

    /** Whether the optimizer's weight decay applies to the auxiliary tensors (it does unless a reference says not). */
    protected boolean decayed() {
        return true;
    }

    @Override
    public Set<String> weights() {
        return aux.keySet();
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        aux.forEach((n, p) -> out.put(n, p.getArray()));
        extra.forEach((kind, m) -> m.forEach((n, p) -> out.put(n + "/" + kind, p.getArray())));
        return out;
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        aux.forEach((n, p) -> load(p, state.get(n)));
        extra.forEach((kind, m) -> m.forEach((n, p) -> load(p, state.get(n + "/" + kind))));
    }

    private static void load(Parameter p, NDArray saved) {
        if (saved != null) {
            p.getArray().set(saved.toByteBuffer());
        }
    }

    /** Fresh noise for tensor {@code name} at training step {@code step}: uniform in (eps, 1 - eps) or Gaussian. */
    protected NDArray noise(NDManager scope, String name, long step, Shape shape, boolean gaussian, double eps) {
        Random random = new Random(Seeds.derive(context.seed(), "gate-noise/" + name + "/" + step));
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (gaussian ? random.nextGaussian() : eps + (1 - 2 * eps) * random.nextDouble());
        }
        return scope.create(v, shape);
    }

    /**
     * N(0, 1) per output value of the layer of tensor {@code name} (or of a tag of it) at step {@code step}, from
     * (seed, tensor, step); SplittableRandom's Gaussians (a ziggurat in Java 17) because there is one per output value, not per weight.
     */
    protected NDArray outputNoise(NDManager scope, String name, long step, Shape shape) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(context.seed(), "lrt-noise/" + name + "/" + step));
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return scope.create(v, shape);
    }

    /** {@code a}, moved to {@code scope} (closed with the step). */
    static NDArray on(NDManager scope, NDArray a) {
        a.attach(scope);
        return a;
    }

    /**
     * {@code a} as an array of {@code scope} in the graph (0 + a): operations on it, scalars included, then land on
     * the scope rather than on the run's manager.
     */
    static NDArray in(NDManager scope, NDArray a) {
        return scope.zeros(new Shape()).add(a);
    }

    /** A copy of every gate's auxiliary parameter, on {@code manager}: scores whose highest are kept. */
    protected final Map<String, NDArray> auxiliaryCopies(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        aux.keySet().forEach(n -> out.put(n, copy(manager, aux(n))));
        return out;
    }

    /** 1 where the auxiliary parameter is positive, else 0: the gates that its sign leaves open. */
    protected final Map<String, NDArray> positiveAuxiliaries(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String n : aux.keySet()) {
            try (NDArray kept = aux(n).gt(0); NDArray f = kept.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)) {
                out.put(n, copy(manager, f));
            }
        }
        return out;
    }

    /** A copy of {@code a} on {@code manager}, outside any gradient graph. */
    static NDArray copy(NDManager manager, NDArray a) {
        NDArray c = a.duplicate();
        c.attach(manager);
        return c;
    }
}
