package inputfile

import "syscall"

// BeingWritten tells whether a process has the file open for writing, as
// far as the kernel tells: a read lease (fcntl F_SETLEASE) is refused with
// EAGAIN while one has. It is taken and given back at once. Where a lease
// cannot be had at all (a file of another owner without CAP_LEASE, a file
// system without leases) it says false: the settle time is all there is.
func (f *File) BeingWritten() bool {
	fd := f.f.Fd()
	if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_SETLEASE, syscall.F_RDLCK); errno != 0 {
		return errno == syscall.EAGAIN
	}
	syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_SETLEASE, syscall.F_UNLCK)
	return false
}
