package sqlstore

import "testing"

// TestCachedRows: where statements are kept prepared, any number of held
// rows is written in statements of a few sizes, powers of two, each short
// enough to be kept.
func TestCachedRows(t *testing.T) {
	for _, h := range heldInserts {
		sizes := map[int]bool{}
		for n := 1; n <= maxBatchRows; n++ {
			for left := n; left > 0; {
				r := cachedRows(left, len(h.insert), h.cols)
				if r < 1 || r > left || r&(r-1) != 0 {
					t.Fatalf("%s: %d rows of %d left", h.table, r, left)
				}
				if q := h.insert + valuesRows(h.cols, r); r > 1 && len(q) > maxCachedQuery {
					t.Fatalf("%s: %d rows make %d characters, over %d", h.table, r, len(q), maxCachedQuery)
				}
				sizes[r] = true
				left -= r
			}
		}
		if len(sizes) > 8 {
			t.Errorf("%s: %d statement sizes, want at most 8", h.table, len(sizes))
		}
	}
}
