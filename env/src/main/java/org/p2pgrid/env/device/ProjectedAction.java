package org.p2pgrid.env.device;

import java.util.Arrays;

/**
 * Result of projecting a requested action onto the feasible set.
 *
 * @param action      the feasible action actually applied
 * @param distance    L2 norm of the move (projected − requested), in mixed kW/kvar
 * @param perDimMove  projected − requested per eq (22) dim (copy; length {@link ProsumerAction#DIMS})
 */
public record ProjectedAction(ProsumerAction action, double distance, double[] perDimMove) {

    public ProjectedAction {
        if (action == null) {
            throw new IllegalArgumentException("ProjectedAction.action is required");
        }
        if (perDimMove == null || perDimMove.length != ProsumerAction.DIMS) {
            throw new IllegalArgumentException("ProjectedAction.perDimMove must have " + ProsumerAction.DIMS + " entries");
        }
        perDimMove = perDimMove.clone();
    }

    @Override
    public double[] perDimMove() {
        return perDimMove.clone();
    }

    /** True when the requested action was already feasible (nothing moved). */
    public boolean unchanged() {
        return distance == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProjectedAction p && p.action.equals(action)
                && Double.compare(p.distance, distance) == 0 && Arrays.equals(p.perDimMove, perDimMove);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * action.hashCode() + Double.hashCode(distance)) + Arrays.hashCode(perDimMove);
    }

    @Override
    public String toString() {
        return "ProjectedAction[action=" + action + ", distance=" + distance + ", perDimMove="
                + Arrays.toString(perDimMove) + "]";
    }
}
