package io.edgelb.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExpectedCodesTest {
    @Test
    void singleRangeAndList() {
        assertTrue(ExpectedCodes.parse("200").matches(200));
        assertFalse(ExpectedCodes.parse("200").matches(201));
        ExpectedCodes range = ExpectedCodes.parse("200-299");
        assertTrue(range.matches(200) && range.matches(299));
        assertFalse(range.matches(300));
        ExpectedCodes list = ExpectedCodes.parse("200,302,400-404");
        assertTrue(list.matches(302) && list.matches(403));
        assertFalse(list.matches(301));
    }

    @Test
    void rejectsGarbage() {
        for (String bad : new String[] {"", "2xx", "200-", "299-200", "99", "600", "200,,302", "200 - 299", "1-2-3"}) {
            assertThrows(IllegalArgumentException.class, () -> ExpectedCodes.parse(bad), bad);
        }
    }
}
