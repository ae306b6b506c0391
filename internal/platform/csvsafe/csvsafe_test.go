package csvsafe

import "testing"

func TestCellRoundTrips(t *testing.T) {
	for in, want := range map[string]string{
		"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-2": "'-2", "@x": "'@x", "\tx": "'\tx", "'=x": "''=x",
		"plain": "plain", "": "", "'quoted": "'quoted", "a=b": "a=b",
	} {
		got := Cell(in)
		if got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
		if back := Unguard(got); back != in {
			t.Errorf("Unguard(Cell(%q)) = %q", in, back)
		}
	}
}
