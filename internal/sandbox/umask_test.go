package sandbox

import "syscall"

// syscallUmask sets the process umask and returns the old one (tests of file modes).
func syscallUmask(mask int) int { return syscall.Umask(mask) }
