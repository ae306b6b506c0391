//go:build unix

package links

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f, waiting for it when wait
// is true. The lock ends when the file is closed or the process dies, which
// is how a starting process tells an orphaned journal from a live one.
func lockFile(f *os.File, wait bool) error {
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	return syscall.Flock(int(f.Fd()), how)
}
