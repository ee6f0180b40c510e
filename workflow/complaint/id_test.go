package complaint

import "testing"

// A case number as a person types it reads into the year and sequence
// number that allocate the next one after a restore; anything else fails.
func TestParseNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Number
		ok   bool
	}{
		{"KL-2026-0007", Number{2026, 7}, true},
		{" kl-2027-12345 ", Number{2027, 12345}, true},
		{"KL-2026-007", Number{}, false},
		{"KL-26-0007", Number{}, false},
		{"KL-2026-0007/../x", Number{}, false},
	}
	for _, tt := range tests {
		got, err := ParseNumber(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok && got.String() != FormatID(tt.want.Year, tt.want.Seq) {
			t.Errorf("%v.String() = %s", got, got)
		}
	}
}
