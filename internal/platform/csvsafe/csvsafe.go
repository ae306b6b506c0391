// Package csvsafe defuses CSV formula injection: spreadsheet programs run
// a cell that starts with =, +, -, @, tab or carriage return as a formula,
// so such a cell gets a leading apostrophe, which they show as text.
package csvsafe

import "strings"

// Cell guards one cell. A cell that already starts with apostrophes
// before such a character gets one more, so Unguard restores every cell
// exactly.
func Cell(cell string) string {
	if formulaStart(strings.TrimLeft(cell, "'")) {
		return "'" + cell
	}
	return cell
}

// Unguard undoes Cell: it drops one leading apostrophe when only
// apostrophes stand between it and a formula character.
func Unguard(cell string) string {
	if strings.HasPrefix(cell, "'") && formulaStart(strings.TrimLeft(cell, "'")) {
		return cell[1:]
	}
	return cell
}

func formulaStart(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}
