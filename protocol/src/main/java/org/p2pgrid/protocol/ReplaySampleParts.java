package org.p2pgrid.protocol;

import com.google.protobuf.CodedOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.p2pgrid.protocol.v1.ReplaySample;
import org.p2pgrid.protocol.v1.Transition;

/**
 * Splits a sampled batch into {@link ReplaySample} parts that each serialise to at most a given size
 * (Artery's frame: a 128-row batch of 20 agents is ~315 KB) and joins the parts again.
 */
public final class ReplaySampleParts {
    /** Worst-case bytes of a part's fields besides its rows (ids, part index/count). */
    private static final int HEADER_BOUND = 48;

    private ReplaySampleParts() {
    }

    /** Parts of {@code whole}, rows in order, each at most {@code maxMessageBytes} serialised. */
    public static List<ReplaySample> split(ReplaySample whole, int maxMessageBytes) {
        int rows = whole.getRowsCount();
        if (whole.getRefsCount() != rows || whole.getIsWeightsCount() != rows) {
            throw new IllegalArgumentException("ReplaySample with " + rows + " rows, " + whole.getRefsCount()
                    + " refs and " + whole.getIsWeightsCount() + " weights");
        }
        List<int[]> ranges = new ArrayList<>();
        int start = 0;
        long size = HEADER_BOUND;
        for (int i = 0; i < rows; i++) {
            long row = rowBytes(whole.getRows(i));
            if (HEADER_BOUND + row > maxMessageBytes) {
                throw new IllegalArgumentException("row " + i + " alone is " + row + " bytes, over " + maxMessageBytes);
            }
            if (size + row > maxMessageBytes) {
                ranges.add(new int[] {start, i});
                start = i;
                size = HEADER_BOUND;
            }
            size += row;
        }
        ranges.add(new int[] {start, rows});
        List<ReplaySample> parts = new ArrayList<>(ranges.size());
        for (int p = 0; p < ranges.size(); p++) {
            int[] r = ranges.get(p);
            ReplaySample.Builder b = ReplaySample.newBuilder().setRequestId(whole.getRequestId()).setShard(whole.getShard())
                    .setPartIndex(p).setPartCount(ranges.size());
            for (int i = r[0]; i < r[1]; i++) {
                b.addRefs(whole.getRefs(i)).addRows(whole.getRows(i)).addIsWeights(whole.getIsWeights(i));
            }
            parts.add(b.build());
        }
        return parts;
    }

    /**
     * The batch from all its parts, in any order. Throws {@link InvalidMessageException} when parts
     * are missing, repeated, or from different requests/shards.
     */
    public static ReplaySample join(List<ReplaySample> parts) {
        if (parts.isEmpty()) {
            throw new InvalidMessageException("ReplaySample: no parts to join");
        }
        ReplaySample first = parts.get(0);
        int count = Math.max(1, first.getPartCount());
        ReplaySample[] byIndex = new ReplaySample[count];
        for (ReplaySample p : parts) {
            if (p.getRequestId() != first.getRequestId() || p.getShard() != first.getShard()
                    || Math.max(1, p.getPartCount()) != count) {
                throw new InvalidMessageException("ReplaySample.part_index " + p.getPartIndex() + ": request "
                        + p.getRequestId() + " shard " + p.getShard() + " of " + p.getPartCount()
                        + " parts does not belong with request " + first.getRequestId() + " shard " + first.getShard()
                        + " of " + count + " parts");
            }
            int i = p.getPartIndex();
            if (i < 0 || i >= count) {
                throw new InvalidMessageException("ReplaySample.part_index: " + i + ", expected 0 ≤ index < part_count = " + count);
            }
            if (byIndex[i] != null) {
                throw new InvalidMessageException("ReplaySample.part_index: " + i + " received twice");
            }
            byIndex[i] = p;
        }
        ReplaySample.Builder b = ReplaySample.newBuilder().setRequestId(first.getRequestId()).setShard(first.getShard());
        for (int i = 0; i < count; i++) {
            if (byIndex[i] == null) {
                throw new InvalidMessageException("ReplaySample.part_index: part " + i + " of " + count + " missing");
            }
            b.addAllRefs(byIndex[i].getRefsList()).addAllRows(byIndex[i].getRowsList())
                    .addAllIsWeights(byIndex[i].getIsWeightsList());
        }
        return b.build();
    }

    /** A row's share of a part: the Transition (tag + length + body), its ref (≤ 11 B) and weight (9 B). */
    private static long rowBytes(Transition t) {
        int s = t.getSerializedSize();
        return 1 + CodedOutputStream.computeUInt32SizeNoTag(s) + s + 11 + 9;
    }
}
