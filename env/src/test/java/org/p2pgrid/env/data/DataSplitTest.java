package org.p2pgrid.env.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.p2pgrid.env.data.DataSplit.Split;

class DataSplitTest {

    @Test
    void countsFollowThePaper() {
        assertEquals(12, DataSplit.days(Split.VALIDATION).size());
        assertEquals(84, DataSplit.days(Split.TEST).size());
        assertEquals(269, DataSplit.days(Split.TRAINING).size());
    }

    @Test
    void splitsPartitionTheYear() {
        Set<Integer> all = new HashSet<>();
        for (Split s : Split.values()) all.addAll(DataSplit.days(s));
        assertEquals(365, all.size());
    }

    @Test
    void firstDayIsValidationLastWeekIsTest() {
        assertEquals(Split.VALIDATION, DataSplit.of(DataSplit.dayOfYear(LocalDate.of(2023, 3, 1))));
        assertEquals(Split.TRAINING, DataSplit.of(DataSplit.dayOfYear(LocalDate.of(2023, 2, 21))));
        assertEquals(Split.TEST, DataSplit.of(DataSplit.dayOfYear(LocalDate.of(2023, 2, 22))));
        assertEquals(Split.TEST, DataSplit.of(DataSplit.dayOfYear(LocalDate.of(2023, 12, 31))));
        assertEquals(Split.TRAINING, DataSplit.of(DataSplit.dayOfYear(LocalDate.of(2023, 1, 24))));
        assertEquals(Split.TEST, DataSplit.of(DataSplit.dayOfYear(LocalDate.of(2023, 1, 25))));
        assertEquals(0, DataSplit.days(Split.VALIDATION).get(0));
        assertEquals(java.time.DayOfWeek.SUNDAY, DataSplit.dayOfWeek(0));
    }
}
