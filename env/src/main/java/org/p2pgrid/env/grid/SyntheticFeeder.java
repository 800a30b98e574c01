package org.p2pgrid.env.grid;

import java.util.SplittableRandom;

/**
 * Seeded random radial feeders for scaling tests and benchmarks (141 … 2000+ buses).
 *
 * <p>Shape: bus 1 is the slack (1.0 p.u.); each new bus continues the current lateral (parent = the
 * previous bus) with probability {@value #CONTINUE_LATERAL}, otherwise it branches off a uniformly
 * chosen existing bus. Branches are 12.47 kV overhead sections 50–400 m long with typical conductor
 * data (ohm/km, from common ACSR sizes); heavier conductors are used closer to the substation.
 * About {@value #LOADED_FRACTION} of the buses carry a load of 20–200 kVA at power factor 0.85–0.95.
 *
 * <p>Loads are then scaled by one common factor, found by bisection with {@link RadialPowerFlow},
 * so that the lowest voltage at base load equals a target drawn uniformly in [0.92, 0.96] p.u.:
 * voltages stay plausible whatever the size (total load therefore shrinks per bus on deep feeders).
 *
 * <p>Deterministic: the same (buses, seed) always gives the same network (SplittableRandom, no
 * hash-order or time dependence).
 */
public final class SyntheticFeeder {
    public static final double BASE_MVA = 10.0;
    public static final double BASE_KV = 12.47;
    static final double CONTINUE_LATERAL = 0.7;
    static final double LOADED_FRACTION = 0.6;
    static final double MIN_TARGET_VM = 0.92;
    static final double MAX_TARGET_VM = 0.96;

    /** r, x in ohm/km, heaviest first (≈ 336.4 kcmil, 4/0, 1/0, #2 ACSR at 60 Hz). */
    private static final double[][] CONDUCTORS = {{0.190, 0.385}, {0.306, 0.402}, {0.610, 0.429}, {0.967, 0.447}};

    private SyntheticFeeder() {}

    /**
     * @param buses number of buses (≥ 2)
     * @param seed  random seed
     * @return a connected radial feeder named {@code synthetic-<buses>-<seed>}
     */
    public static Network generate(int buses, long seed) {
        if (buses < 2) {
            throw new IllegalArgumentException("a synthetic feeder needs at least 2 buses, got " + buses);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double zBase = BASE_KV * BASE_KV / BASE_MVA;
        int[] numbers = new int[buses];
        int[] depth = new int[buses];
        int[] from = new int[buses - 1];
        int[] to = new int[buses - 1];
        double[] r = new double[buses - 1];
        double[] x = new double[buses - 1];
        double[] pd = new double[buses];
        double[] qd = new double[buses];
        numbers[0] = 1;
        for (int i = 1; i < buses; i++) {
            numbers[i] = i + 1;
            int parent = random.nextDouble() < CONTINUE_LATERAL ? i - 1 : random.nextInt(i);
            depth[i] = depth[parent] + 1;
            // Heavier conductor near the substation: the class grows with depth, with some spread.
            int conductor = Math.min(CONDUCTORS.length - 1,
                    (int) (depth[i] * CONDUCTORS.length / (8.0 + Math.sqrt(buses))) + random.nextInt(2));
            double km = 0.05 + 0.35 * random.nextDouble();
            from[i - 1] = parent;
            to[i - 1] = i;
            r[i - 1] = CONDUCTORS[conductor][0] * km / zBase;
            x[i - 1] = CONDUCTORS[conductor][1] * km / zBase;
            if (random.nextDouble() < LOADED_FRACTION) {
                double kva = 20 + 180 * random.nextDouble();
                double pf = 0.85 + 0.10 * random.nextDouble();
                pd[i] = kva * pf / 1000 / BASE_MVA;
                qd[i] = kva * Math.sqrt(1 - pf * pf) / 1000 / BASE_MVA;
            }
        }
        if (java.util.Arrays.stream(pd).allMatch(v -> v == 0)) {
            pd[buses - 1] = 0.1 * 0.9 / BASE_MVA; // tiny feeders: make sure something loads the network
            qd[buses - 1] = 0.1 * Math.sqrt(1 - 0.81) / BASE_MVA;
        }
        double targetVm = MIN_TARGET_VM + (MAX_TARGET_VM - MIN_TARGET_VM) * random.nextDouble();
        String name = "synthetic-" + buses + "-" + seed;
        Network unscaled = new Network(name, BASE_MVA, BASE_KV, numbers, pd, qd, from, to, r, x, 0, 1.0);
        double scale = loadScaleFor(unscaled, pd, qd, targetVm);
        double[] p = new double[buses];
        double[] q = new double[buses];
        for (int i = 0; i < buses; i++) {
            p[i] = pd[i] * scale;
            q[i] = qd[i] * scale;
        }
        return new Network(name, BASE_MVA, BASE_KV, numbers, p, q, from, to, r, x, 0, 1.0);
    }

    /** Bisection on a common load factor so that min V = target (min V falls monotonically with load). */
    private static double loadScaleFor(Network network, double[] pd, double[] qd, double targetVm) {
        RadialPowerFlow flow = new RadialPowerFlow(network, 1e-10, 200);
        double[] p = new double[pd.length];
        double[] q = new double[qd.length];
        double low = 0;
        double high = 1;
        for (int doubling = 0; doubling < 60 && minVm(flow, pd, qd, p, q, high) > targetVm; doubling++) {
            low = high;
            high *= 2;
        }
        for (int step = 0; step < 50 && high - low > 1e-9 * high; step++) {
            double mid = 0.5 * (low + high);
            if (minVm(flow, pd, qd, p, q, mid) > targetVm) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return 0.5 * (low + high);
    }

    private static double minVm(RadialPowerFlow flow, double[] pd, double[] qd, double[] p, double[] q,
                                double scale) {
        for (int i = 0; i < pd.length; i++) {
            p[i] = pd[i] * scale;
            q[i] = qd[i] * scale;
        }
        PowerFlowResult result = flow.solve(p, q);
        return result.converged() ? result.minVm() : 0; // no solution: certainly below target
    }
}
