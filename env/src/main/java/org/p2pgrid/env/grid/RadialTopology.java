package org.p2pgrid.env.grid;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Tree structure of a radial feeder seen from the slack bus: breadth-first order, parent bus and
 * the branch to the parent for every bus. Building it is also the radiality check: a branch that
 * reaches an already-visited bus closes a loop, and buses never reached form islands; both are
 * refused with a {@link TopologyException} naming the loop or the island.
 */
public final class RadialTopology {
    private final int[] bfsOrder;
    private final int[] parent;
    private final int[] parentBranch;
    private final int[] depth;

    private RadialTopology(int[] bfsOrder, int[] parent, int[] parentBranch, int[] depth) {
        this.bfsOrder = bfsOrder;
        this.parent = parent;
        this.parentBranch = parentBranch;
        this.depth = depth;
    }

    /** Thrown when a network is meshed or not connected. */
    public static final class TopologyException extends IllegalArgumentException {
        private final int branch;

        public TopologyException(String message, int branch) {
            super(message);
            this.branch = branch;
        }

        /** Index (in the branch arrays passed in) of the branch closing a loop, or -1 for islands. */
        public int branch() {
            return branch;
        }
    }

    /**
     * @param busNumbers external numbers by internal index (only for messages)
     * @param from       from-bus index per branch
     * @param to         to-bus index per branch
     * @param slack      index of the slack (root) bus
     * @throws TopologyException if a branch closes a loop or some buses are not connected to the slack
     */
    public static RadialTopology of(int[] busNumbers, int[] from, int[] to, int slack) {
        int n = busNumbers.length;
        int m = from.length;
        // Compressed adjacency (CSR) so that BFS stays linear also for 2000-bus synthetic feeders.
        int[] degree = new int[n + 1];
        for (int k = 0; k < m; k++) {
            degree[from[k] + 1]++;
            degree[to[k] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            degree[i + 1] += degree[i];
        }
        int[] fill = degree.clone();
        int[] adjBranch = new int[2 * m];
        for (int k = 0; k < m; k++) {
            adjBranch[fill[from[k]]++] = k;
            adjBranch[fill[to[k]]++] = k;
        }
        int[] parent = new int[n];
        int[] parentBranch = new int[n];
        int[] depth = new int[n];
        boolean[] seen = new boolean[n];
        int[] order = new int[n];
        java.util.Arrays.fill(parent, -1);
        java.util.Arrays.fill(parentBranch, -1);
        int head = 0;
        int tail = 0;
        order[tail++] = slack;
        seen[slack] = true;
        while (head < tail) {
            int u = order[head++];
            for (int a = degree[u]; a < degree[u + 1]; a++) {
                int k = adjBranch[a];
                if (k == parentBranch[u]) {
                    continue;
                }
                int v = from[k] == u ? to[k] : from[k];
                if (seen[v]) {
                    // Each non-tree edge is met twice (once from each end); report it on first sight.
                    throw new TopologyException(describeLoop(busNumbers, parent, u, v, k, from, to), k);
                }
                seen[v] = true;
                parent[v] = u;
                parentBranch[v] = k;
                depth[v] = depth[u] + 1;
                order[tail++] = v;
            }
        }
        if (tail < n) {
            throw new TopologyException(describeIslands(busNumbers, seen, degree, adjBranch, from, to, slack), -1);
        }
        return new RadialTopology(order, parent, parentBranch, depth);
    }

    private static String describeLoop(int[] busNumbers, int[] parent, int u, int v, int branch,
                                       int[] from, int[] to) {
        // Loop = path u -> common ancestor <- v, closed by the branch u-v.
        List<Integer> upFromU = new ArrayList<>();
        for (int b = u; b >= 0; b = parent[b]) {
            upFromU.add(b);
        }
        List<Integer> upFromV = new ArrayList<>();
        int meet = -1;
        for (int b = v; b >= 0; b = parent[b]) {
            if (upFromU.contains(b)) {
                meet = b;
                break;
            }
            upFromV.add(b);
        }
        StringJoiner loop = new StringJoiner(" - ");
        for (int b : upFromU) {
            loop.add(Integer.toString(busNumbers[b]));
            if (b == meet) {
                break;
            }
        }
        for (int i = upFromV.size() - 1; i >= 0; i--) {
            loop.add(Integer.toString(busNumbers[upFromV.get(i)]));
        }
        loop.add(Integer.toString(busNumbers[u]));
        return "network is meshed, not radial: branch " + busNumbers[from[branch]] + "-" + busNumbers[to[branch]]
                + " closes the loop " + loop + " (a radial feeder needs tie switches open, BR_STATUS = 0)";
    }

    private static String describeIslands(int[] busNumbers, boolean[] seen, int[] start, int[] adjBranch,
                                          int[] from, int[] to, int slack) {
        StringJoiner islands = new StringJoiner("; ");
        boolean[] marked = seen.clone();
        int count = 0;
        int[] stack = new int[busNumbers.length];
        for (int s = 0; s < busNumbers.length; s++) {
            if (marked[s]) {
                continue;
            }
            count++;
            List<Integer> members = new ArrayList<>();
            int top = 0;
            stack[top++] = s;
            marked[s] = true;
            while (top > 0) {
                int u = stack[--top];
                members.add(busNumbers[u]);
                for (int a = start[u]; a < start[u + 1]; a++) {
                    int k = adjBranch[a];
                    int v = from[k] == u ? to[k] : from[k];
                    if (!marked[v]) {
                        marked[v] = true;
                        stack[top++] = v;
                    }
                }
            }
            members.sort(null);
            String shown = members.size() <= 20 ? members.toString()
                    : members.subList(0, 20).toString().replace("]", ", ... (" + members.size() + " buses)]");
            islands.add("island " + count + ": buses " + shown);
        }
        return "network is disconnected: " + count + " island(s) not connected to slack bus "
                + busNumbers[slack] + " — " + islands;
    }

    /** Bus indices in breadth-first order from the slack; element 0 is the slack. */
    public int[] bfsOrder() { return bfsOrder.clone(); }

    /** Parent bus index of every bus (toward the slack), -1 for the slack. */
    public int[] parents() { return parent.clone(); }

    /** Index of the branch joining each bus to its parent, -1 for the slack. */
    public int[] parentBranches() { return parentBranch.clone(); }

    /** Number of branches between each bus and the slack. */
    public int[] depths() { return depth.clone(); }

    public int parent(int bus) { return parent[bus]; }

    public int parentBranch(int bus) { return parentBranch[bus]; }

    public int depth(int bus) { return depth[bus]; }

    /** Largest depth (longest path from the slack, in branches). */
    public int maxDepth() {
        int max = 0;
        for (int d : depth) {
            max = Math.max(max, d);
        }
        return max;
    }
}
