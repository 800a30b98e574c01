package org.p2pgrid.env.grid;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable radial distribution feeder: buses, in-service branches and the slack bus.
 *
 * <p><b>Per-unit convention.</b> Every power is in per unit on {@link #baseMva()} (1 p.u. =
 * baseMVA MW / MVAr); every impedance is in per unit on Z_base = baseKV² / baseMVA ohm; voltages are
 * in per unit of {@link #baseKv()}. Use {@link #toPu(double)} / {@link #toKw(double)} to convert
 * prosumer powers (kW, kvar) at the boundary, never inside the power flow.
 *
 * <p><b>Indexing.</b> Buses carry their external number (as in the case file) and an internal index
 * 0..n-1 (order of the case file). All arrays of the power flow are by internal index. Branches are
 * kept in file order (out-of-service ones are dropped by the reader). The network is guaranteed to be
 * radial and connected (checked by {@link RadialTopology} at construction).
 */
public final class Network {
    private final String name;
    private final double baseMva;
    private final double baseKv;
    private final int[] busNumbers;
    private final double[] basePdPu;
    private final double[] baseQdPu;
    private final int[] branchFrom;
    private final int[] branchTo;
    private final double[] branchR;
    private final double[] branchX;
    private final int slackIndex;
    private final double slackVmPu;
    private final Map<Integer, Integer> indexByNumber;
    private final RadialTopology topology;

    /**
     * @param busNumbers external bus numbers (unique), index i is internal bus i
     * @param basePdPu   base-case active load per bus, p.u. (consumption positive)
     * @param baseQdPu   base-case reactive load per bus, p.u.
     * @param branchFrom internal index of each branch's from bus
     * @param branchTo   internal index of each branch's to bus
     * @param branchR    series resistance, p.u.
     * @param branchX    series reactance, p.u.
     * @throws IllegalArgumentException for inconsistent arrays, non-finite values, duplicate bus
     *                                  numbers, or a meshed / disconnected topology
     */
    public Network(String name, double baseMva, double baseKv, int[] busNumbers, double[] basePdPu,
                   double[] baseQdPu, int[] branchFrom, int[] branchTo, double[] branchR,
                   double[] branchX, int slackIndex, double slackVmPu) {
        this.name = Objects.requireNonNull(name, "name");
        int n = busNumbers.length;
        int m = branchFrom.length;
        require(baseMva > 0 && Double.isFinite(baseMva), "baseMVA must be positive, got " + baseMva);
        require(baseKv > 0 && Double.isFinite(baseKv), "baseKV must be positive, got " + baseKv);
        require(n >= 1, "a network needs at least one bus");
        require(basePdPu.length == n && baseQdPu.length == n,
                "load arrays must have one entry per bus (" + n + ")");
        require(branchTo.length == m && branchR.length == m && branchX.length == m,
                "branch arrays must have equal length (" + m + ")");
        require(slackIndex >= 0 && slackIndex < n, "slack index out of range: " + slackIndex);
        require(slackVmPu > 0 && Double.isFinite(slackVmPu), "slack voltage must be positive, got " + slackVmPu);
        this.baseMva = baseMva;
        this.baseKv = baseKv;
        this.busNumbers = busNumbers.clone();
        this.basePdPu = basePdPu.clone();
        this.baseQdPu = baseQdPu.clone();
        this.branchFrom = branchFrom.clone();
        this.branchTo = branchTo.clone();
        this.branchR = branchR.clone();
        this.branchX = branchX.clone();
        this.slackIndex = slackIndex;
        this.slackVmPu = slackVmPu;
        Map<Integer, Integer> byNumber = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            Integer previous = byNumber.put(busNumbers[i], i);
            require(previous == null, "duplicate bus number " + busNumbers[i]);
            require(Double.isFinite(basePdPu[i]) && Double.isFinite(baseQdPu[i]),
                    "non-finite load at bus " + busNumbers[i]);
        }
        for (int k = 0; k < m; k++) {
            require(branchFrom[k] >= 0 && branchFrom[k] < n && branchTo[k] >= 0 && branchTo[k] < n,
                    "branch " + k + " refers to a bus index out of range");
            require(branchFrom[k] != branchTo[k], "branch " + k + " connects bus "
                    + busNumbers[branchFrom[k]] + " to itself");
            require(Double.isFinite(branchR[k]) && Double.isFinite(branchX[k]) && branchR[k] >= 0,
                    "branch " + busNumbers[branchFrom[k]] + "-" + busNumbers[branchTo[k]]
                            + " has invalid impedance r=" + branchR[k] + " x=" + branchX[k]);
            require(branchR[k] != 0 || branchX[k] != 0, "branch " + busNumbers[branchFrom[k]] + "-"
                    + busNumbers[branchTo[k]] + " has zero impedance (merge the buses instead)");
        }
        this.indexByNumber = Map.copyOf(byNumber);
        this.topology = RadialTopology.of(this.busNumbers, this.branchFrom, this.branchTo, slackIndex); // throws on loops / islands
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public String name() { return name; }

    /** System power base in MVA (1 p.u. power = baseMVA MW). */
    public double baseMva() { return baseMva; }

    /** Nominal voltage in kV (line-to-line), the voltage base. */
    public double baseKv() { return baseKv; }

    /** Impedance base in ohm: baseKV² / baseMVA. */
    public double baseOhm() { return baseKv * baseKv / baseMva; }

    public int busCount() { return busNumbers.length; }

    public int branchCount() { return branchFrom.length; }

    /** Internal index of an external bus number; throws {@link IllegalArgumentException} if unknown. */
    public int indexOf(int busNumber) {
        Integer index = indexByNumber.get(busNumber);
        if (index == null) {
            throw new IllegalArgumentException("no bus numbered " + busNumber + " in " + name);
        }
        return index;
    }

    /** External number of the bus at an internal index. */
    public int busNumber(int index) { return busNumbers[index]; }

    public int slackIndex() { return slackIndex; }

    /** Slack voltage magnitude set-point, p.u. (angle 0). */
    public double slackVmPu() { return slackVmPu; }

    /** Base-case active load of bus {@code index}, p.u. on baseMVA. */
    public double basePdPu(int index) { return basePdPu[index]; }

    /** Base-case reactive load of bus {@code index}, p.u. on baseMVA. */
    public double baseQdPu(int index) { return baseQdPu[index]; }

    /** Copy of the base-case active loads, p.u., by bus index. */
    public double[] basePdPu() { return basePdPu.clone(); }

    /** Copy of the base-case reactive loads, p.u., by bus index. */
    public double[] baseQdPu() { return baseQdPu.clone(); }

    public int branchFrom(int branch) { return branchFrom[branch]; }

    public int branchTo(int branch) { return branchTo[branch]; }

    /** Series resistance of a branch, p.u. */
    public double branchR(int branch) { return branchR[branch]; }

    /** Series reactance of a branch, p.u. */
    public double branchX(int branch) { return branchX[branch]; }

    /** BFS order / parents from the slack. */
    public RadialTopology topology() { return topology; }

    /** kW (or kvar) to p.u. on this network's baseMVA. */
    public double toPu(double kw) { return kw / (1000.0 * baseMva); }

    /** p.u. on this network's baseMVA to kW (or kvar). */
    public double toKw(double pu) { return pu * 1000.0 * baseMva; }

    /** Sum of base active load, p.u. */
    public double totalBasePdPu() { return Arrays.stream(basePdPu).sum(); }

    @Override
    public String toString() {
        return "Network[" + name + ", " + busCount() + " buses, " + branchCount() + " branches, baseMVA="
                + baseMva + ", baseKV=" + baseKv + ", slack bus " + busNumbers[slackIndex] + "]";
    }
}
